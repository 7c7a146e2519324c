import { Command, CommanderError } from 'commander';
import { LatentGpuError } from '../engine/errors.js';
import { registerInfo } from './commands/info.js';

/** Builds the `latentgpu` program; each command registers itself from src/cli/commands/. */
export function buildProgram(): Command {
  const program = new Command('latentgpu')
    .description('High-dimensional data to low-dimensional latent spaces on the GPU (WebGPU).')
    .version('0.1.0')
    .showHelpAfterError('(run with --help for usage)')
    .exitOverride();
  registerInfo(program);
  return program;
}

/** Runs the CLI: user mistakes print one sentence and exit non-zero, without a stack trace. */
export async function main(argv = process.argv): Promise<number> {
  try {
    await buildProgram().parseAsync(argv);
    return 0;
  } catch (e) {
    if (e instanceof CommanderError) return e.exitCode;
    if (e instanceof LatentGpuError || (e instanceof Error && e.name === 'NoAdapterError')) {
      console.error(`latentgpu: ${e.message}`);
      return 1;
    }
    if (process.env.LATENTGPU_DEBUG) throw e;
    console.error(`latentgpu: internal error: ${(e as Error).message} (set LATENTGPU_DEBUG=1 for the stack trace)`);
    return 70;
  }
}

process.exitCode = await main();
