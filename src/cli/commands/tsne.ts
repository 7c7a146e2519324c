import { InvalidArgumentError, Option, type Command } from 'commander';
import { disposeKnnGraph } from '../../models/knn/index.js';
import { TSNE } from '../../models/tsne/index.js';
import { checkPerplexity, neighboursFor, perplexityCap } from '../../models/tsne/affinities.js';
import { InvalidInputError } from '../../engine/errors.js';
import { addCommonOptions, parseFloatOption, parseIntOption, type CommonOptions, type CliEnv } from '../context.js';
import { runReduce } from '../reduce.js';
import { parseVia, viaStage, type ViaSpec } from '../stages.js';
import { addGraphOptions, applyPlan, graphStage, readGivenGraph, type GraphCliOptions } from '../graph.js';
import { planTsne } from '../../models/tsne/plan.js';

interface TsneCliOptions extends CommonOptions, GraphCliOptions {
  dims: 2 | 3; perplexity: number; iterations: number; via?: ViaSpec | 'none'; repulsion: 'exact' | 'field' | 'auto';
  epochs: number; batchSize: number; init?: 'pca' | 'random';
}

/** Like openTSNE and scikit-learn's examples: inputs wider than 50 columns go through PCA to 50 first. */
export const DEFAULT_VIA_ABOVE = 50;

/**
 * The first reduction: --via, or PCA to 50 for inputs wider than 50 columns when there are more
 * than 50 rows (with fewer, PCA to 50 is impossible and the kNN graph of the raw rows is cheap).
 */
export function defaultVia(opts: { via?: ViaSpec | 'none' }, n: number, d: number): ViaSpec | undefined {
  if (opts.via === 'none') return undefined;
  if (opts.via) return opts.via;
  return d > DEFAULT_VIA_ABOVE && n > DEFAULT_VIA_ABOVE ? { method: 'pca', dims: DEFAULT_VIA_ABOVE } : undefined;
}

/**
 * --init, checked before any work: PCA initialisation needs at least --dims columns after --via;
 * without --init it is used when possible, else random (said in a note).
 */
export function chooseInit(init: 'pca' | 'random' | undefined, cols: number, dims: number, what: string): { init: 'pca' | 'random'; note?: string } {
  if (init === 'random') return { init };
  if (cols >= dims) return { init: 'pca' };
  if (init === 'pca') {
    throw new InvalidInputError(`--init pca needs at least ${dims} columns for ${dims}-D, but ${what} has ${cols}; use --init random or --dims ${cols < 2 ? 2 : cols}.`);
  }
  return { init: 'random', note: `${what} has ${cols} column${cols === 1 ? '' : 's'}, fewer than --dims ${dims}: starting from random positions instead of PCA.` };
}

export function registerTsne(program: Command, env: CliEnv): void {
  const cmd = program.command('tsne')
    .description('t-SNE on the GPU: a 2-D or 3-D map where similar rows land close together.')
    .argument('<input>', 'a .npy, .csv, .tsv or IDX file, - for stdin, or fashion-mnist')
    .option('-d, --dims <n>', '2 or 3', (v) => {
      if (v !== '2' && v !== '3') throw new InvalidArgumentError('t-SNE embeds in 2 or 3 dimensions.');
      return Number(v);
    }, 2)
    .option('--perplexity <p>', 'effective number of neighbours', parseFloatOption(1), 30)
    .option('--iterations <n>', 'gradient-descent iterations (early exaggeration included)', parseIntOption(1), 1000)
    .option('--via <pca:N|ae:N|none>', `first reduction (default pca:50 for inputs wider than ${DEFAULT_VIA_ABOVE} columns)`,
      (v) => (v === 'none' ? 'none' : parseVia(v)))
    .addOption(new Option('--init <init>', 'initial positions: pca (default when there are at least --dims columns) or random').choices(['pca', 'random']))
    .addOption(new Option('--repulsion <kind>', 'exact O(N²) or FFT field O(N); auto: exact below 4,096 rows').choices(['exact', 'field', 'auto']).default('auto'))
    .option('--epochs <n>', 'autoencoder epochs for --via ae:N', parseIntOption(1), 10)
    .option('--batch-size <n>', 'autoencoder minibatch for --via ae:N', parseIntOption(1), 256)
    .option('--open', 'show the result in the 3D explorer');
  addGraphOptions(cmd);
  addCommonOptions(cmd)
    .addHelpText('after', '\nExamples:\n  latentgpu tsne fashion-mnist --limit 10000 --dims 2 -o fm.npy --plot fm.png\n' +
      '  latentgpu tsne data.csv --labels label --perplexity 15 --via none -o map.csv\n' +
      '  latentgpu tsne fashion-mnist --split test --dims 3 --format projector -o fm-projector')
    .action((input: string, opts: TsneCliOptions) => runReduce('tsne', input, opts, env, async (ctx, x, ds) => {
      // Fail on the perplexity and the initialisation before spending time on PCA or an autoencoder.
      checkPerplexity(ds.n, opts.perplexity);
      const cap = perplexityCap(opts.perplexity);
      if (cap) {
        ctx.reporter.note(`perplexity ${opts.perplexity} would use ${cap.wanted} neighbours per row; the kNN graph holds at most ${cap.neighbours}, ` +
          `so the affinities use ${cap.neighbours} (perplexity ${cap.effective} in effect${cap.effective < opts.perplexity ? '; larger values all give the same result' : ''}).`);
      }
      const via = defaultVia(opts, ds.n, ds.d);
      const start = chooseInit(opts.init, via ? Math.min(via.dims, ds.d) : ds.d, opts.dims, via ? `--via ${via.method}:${via.dims}` : ds.name);
      if (start.note) ctx.reporter.note(start.note);
      const given = readGivenGraph(opts, ds, neighboursFor(opts.perplexity), `perplexity ${opts.perplexity} (3 × perplexity neighbours)`);
      // Every stage's buffers are sized now: a run that cannot fit stops before the kNN, not after it.
      const engine0 = await ctx.engine();
      applyPlan(ctx, engine0, (budgetBytes) => planTsne(engine0, ds.n, neighboursFor(opts.perplexity), opts.dims, { budgetBytes }));
      const z = await viaStage(ctx, x, () => ds.x, via, opts.seed, { epochs: opts.epochs, batchSize: opts.batchSize });
      ctx.checkAbort();
      const engine = await ctx.engine();
      const graph = await graphStage(ctx, engine, z, neighboursFor(opts.perplexity), opts, given, opts.seed);
      try {
        ctx.checkAbort();
        const emb = await ctx.reporter.stage('tsne', (p) => new TSNE(engine, {
          dims: opts.dims, perplexity: opts.perplexity, iterations: opts.iterations, seed: opts.seed, repulsion: opts.repulsion, init: start.init,
          knn: graph, releaseKnn: true, signal: env.signal, progressEvery: 10, klEvery: opts.json ? 50 : 0,
          onProgress: (e) => p.update(e.iteration, e.iterations, e.kl === undefined ? {} : { kl: Number(e.kl.toFixed(4)) }),
        }).fit(z));
        ctx.summary.tsne = {
          perplexity: opts.perplexity, neighbours: neighboursFor(opts.perplexity),
          ...(cap ? { perplexity_capped: true, effective_perplexity: cap.effective } : {}),
          iterations: opts.iterations, init: start.init, via: via ? `${via.method}:${via.dims}` : 'none',
        };
        return ctx.track(emb);
      } finally {
        disposeKnnGraph(graph);
      }
    }));
}
