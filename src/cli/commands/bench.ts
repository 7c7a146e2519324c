import { spawn } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Command } from 'commander';
import { InvalidInputError } from '../../engine/errors.js';
import { InterruptedError, type CliEnv } from '../context.js';

/** The project folder (holding scripts/bench.mjs), found upwards from this module (src/ or dist/). */
export function projectRoot(from = dirname(fileURLToPath(import.meta.url))): string {
  for (let dir = from; ; dir = dirname(dir)) {
    const pkg = join(dir, 'package.json');
    if (existsSync(pkg) && JSON.parse(readFileSync(pkg, 'utf8')).name === 'latentgpu') return dir;
    if (dirname(dir) === dir) throw new InvalidInputError('cannot find the latentgpu project folder (with scripts/bench.mjs) above the CLI.');
  }
}

export function availableBenchmarks(root = projectRoot()): string[] {
  const dir = join(root, 'bench');
  return existsSync(dir) ? readdirSync(dir).filter((f) => f.endsWith('.ts')).map((f) => f.slice(0, -3)).sort() : [];
}

export function registerBench(program: Command, env: CliEnv): void {
  program.command('bench')
    .description('Run the benchmarks of bench/ (each against a peer measured in the same run; results in bench/results/).')
    .argument('[name]', 'matmul | autoencoder | tsne | kmeans | … | all', 'all')
    .argument('[args...]', 'passed on to the benchmark')
    .addHelpText('after', '\nExamples:\n  latentgpu bench matmul\n  latentgpu bench all')
    .action(async (name: string, args: string[]) => {
      const root = projectRoot();
      const names = availableBenchmarks(root);
      // The npm package ships the library and the CLI; the benchmarks need their peers (scikit-learn,
      // tfjs) and esbuild, so they live in the repository only.
      if (names.length === 0 || !existsSync(join(root, 'scripts', 'bench.mjs'))) {
        throw new InvalidInputError('the benchmarks are not part of the installed package: run `latentgpu bench` (or `npm run bench`) ' +
          'in a clone of the latentgpu repository after `npm run setup`.');
      }
      if (name !== 'all' && !names.includes(name)) {
        throw new InvalidInputError(`unknown benchmark "${name}": expected one of ${[...names, 'all'].join(', ')}.`);
      }
      const code = await new Promise<number>((resolve, reject) => {
        const child = spawn(process.execPath, [join(root, 'scripts', 'bench.mjs'), name, ...args], { cwd: root, stdio: 'inherit', signal: env.signal });
        child.on('error', (e) => (e.name === 'AbortError' ? reject(new InterruptedError()) : reject(e)));
        child.on('exit', (c, sig) => resolve(c ?? (sig ? 128 + 2 : 1)));
      });
      if (code !== 0) throw new InvalidInputError(`benchmark ${name} failed (exit code ${code}).`);
    });
}
