import type { Command } from 'commander';
import { addCommonOptions, parseIntOption, type CommonOptions, type CliEnv } from '../context.js';
import { runReduce } from '../reduce.js';
import { pcaStage } from '../stages.js';

interface PcaCliOptions extends CommonOptions { dims: number }

export function registerPca(program: Command, env: CliEnv): void {
  const cmd = program.command('pca')
    .description('Principal component analysis on the GPU: project onto the directions of largest variance.')
    .argument('<input>', 'a .npy, .csv, .tsv or IDX file, - for stdin, or fashion-mnist')
    .option('-d, --dims <n>', 'components to keep', parseIntOption(1), 2)
    .option('--open', 'show the result in the 3D explorer');
  addCommonOptions(cmd)
    .addHelpText('after', '\nExamples:\n  latentgpu pca fashion-mnist --limit 10000 --dims 50 -o fm-pca50.npy\n' +
      '  latentgpu pca data.csv --labels species --dims 2 --plot pca.png')
    .action((input: string, opts: PcaCliOptions) => runReduce('pca', input, opts, env, (ctx, x) => pcaStage(ctx, x, opts.dims, opts.seed)));
}
