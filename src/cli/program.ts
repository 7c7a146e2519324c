import { Command, CommanderError } from 'commander';
import { LatentGpuError } from '../engine/errors.js';
import { removePendingTemps } from '../io/write.js';
import { registerBench } from './commands/bench.js';
import { registerInfo } from './commands/info.js';
import { registerTune } from './commands/tune.js';
import { registerKnn } from './commands/knn.js';
import { registerCluster } from './commands/cluster.js';
import { registerAnomalies } from './commands/anomalies.js';
import { registerClassify } from './commands/classify.js';
import { registerGenerate } from './commands/generate.js';
import { registerTsne } from './commands/tsne.js';
import { registerUmap } from './commands/umap.js';
import { registerPca } from './commands/pca.js';
import { registerAutoencoders } from './commands/autoencoder.js';
import { InterruptedError, type CliEnv } from './context.js';

/** Builds the `latentgpu` program; each command registers itself from src/cli/commands/. */
export function buildProgram(env: CliEnv = { signal: new AbortController().signal }): Command {
  const program = new Command('latentgpu')
    .description('High-dimensional data to low-dimensional latent spaces on the GPU (WebGPU).')
    .version('0.1.0')
    .showHelpAfterError('(run with --help for usage)')
    .exitOverride()
    .addHelpText('after', '\nExamples:\n' +
      '  latentgpu tsne fashion-mnist --limit 10000 --dims 2 -o fm.npy --plot fm.png\n' +
      '  latentgpu knn fm.npy --k 10 --query 0,42\n' +
      '  latentgpu cluster fm.npy --k auto --labels fm-labels.txt\n' +
      '  latentgpu <command> --help');
  registerInfo(program, env);
  registerPca(program, env);
  registerAutoencoders(program, env);
  registerTsne(program, env);
  registerUmap(program, env);
  registerKnn(program, env);
  registerAnomalies(program, env);
  registerCluster(program, env);
  registerClassify(program, env);
  registerGenerate(program, env);
  registerBench(program, env);
  registerTune(program, env);
  return program;
}

/**
 * Runs the CLI and returns the exit code: 0 on success, 2 for a usage error (unknown option, bad option
 * value: the parser's message), 1 for a user mistake in the data or files (one sentence on stderr,
 * no stack trace), 130 when interrupted, 70 for an internal error. `argv` is Node-style (two leading entries);
 * `env.engine` lends an engine to every command (tests), which then do not dispose it.
 */
export async function main(argv = process.argv, env: Partial<CliEnv> = {}): Promise<number> {
  const signal = env.signal ?? new AbortController().signal;
  try {
    await buildProgram({ ...env, signal }).parseAsync(argv);
    return 0;
  } catch (e) {
    removePendingTemps();
    // Help and --version exit 0; every other parser error is a usage error, 2 by Unix convention.
    if (e instanceof CommanderError) return e.exitCode === 0 ? 0 : 2;
    // With --json a pipeline also gets the failure as JSON on stdout.
    const fail = (message: string, code: number) => {
      process.stderr.write(`latentgpu: ${message}\n`);
      if (argv.includes('--json')) process.stdout.write(JSON.stringify({ error: message, exit_code: code }) + '\n');
      return code;
    };
    if (e instanceof InterruptedError || signal.aborted) return fail('interrupted.', 130);
    if (e instanceof LatentGpuError) return fail(e.message, 1);
    if (process.env.LATENTGPU_DEBUG) throw e;
    process.stderr.write(`latentgpu: internal error: ${(e as Error).message} (set LATENTGPU_DEBUG=1 for the stack trace)\n`);
    return 70;
  }
}
