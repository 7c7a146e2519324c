import { InvalidArgumentError, Option, type Command } from 'commander';
import { disposeKnnGraph } from '../../models/knn/index.js';
import { UMAP, resolveOptions, type UmapMetric } from '../../models/umap/index.js';
import { checkSize } from '../../models/umap/params.js';
import { normalizeRows } from '../../ops/rows.js';
import { addCommonOptions, parseFloatOption, parseIntOption, type CommonOptions, type CliEnv } from '../context.js';
import { runReduce } from '../reduce.js';
import { parseVia, viaStage, type ViaSpec } from '../stages.js';
import { DEFAULT_VIA_ABOVE } from './tsne.js';
import { addGraphOptions, applyPlan, graphStage, readGivenGraph, type GraphCliOptions } from '../graph.js';
import { planUmap } from '../../models/umap/plan.js';

interface UmapCliOptions extends CommonOptions, GraphCliOptions {
  dims: number; neighbors: number; minDist: number; spread: number; metric: UmapMetric; epochs?: number;
  learningRate: number; negativeSampleRate: number; init: 'spectral' | 'pca' | 'random'; via?: ViaSpec | 'none';
  aeEpochs: number; batchSize: number;
}

export function registerUmap(program: Command, env: CliEnv): void {
  const cmd = program.command('umap')
    .description('UMAP on the GPU: a low-dimensional map that keeps each row\'s neighbourhood (umap-learn\'s defaults).')
    .argument('<input>', 'a .npy, .csv, .tsv or IDX file, or fashion-mnist')
    .option('-d, --dims <n>', 'embedding dimensions, 2 or 3 to look at (up to 16)', (v) => {
      const n = Number(v);
      if (!Number.isInteger(n) || n < 1 || n > 16) throw new InvalidArgumentError('UMAP embeds in 1 to 16 dimensions.');
      return n;
    }, 2)
    .option('--neighbors <n>', 'size of each local neighbourhood, the row itself included', parseIntOption(2), 15)
    .option('--min-dist <d>', 'smallest distance between embedded points (at most --spread)', parseFloatOption(0), 0.1)
    .option('--spread <s>', 'scale of the embedded points', parseFloatOption(0), 1)
    .addOption(new Option('--metric <name>', 'distance between input rows').choices(['euclidean', 'cosine']).default('euclidean'))
    .option('--epochs <n>', 'optimisation epochs (default: 500 up to 10,000 rows, 200 above)', parseIntOption(1))
    .option('--learning-rate <r>', 'initial learning rate, decayed linearly', parseFloatOption(0), 1)
    .option('--negative-sample-rate <n>', 'negative samples per positive sample', parseIntOption(0), 5)
    .addOption(new Option('--init <kind>', 'initial layout (spectral falls back to PCA, then random)').choices(['spectral', 'pca', 'random']).default('spectral'))
    .option('--via <pca:N|ae:N|none>', `first reduction (default pca:50 for inputs wider than ${DEFAULT_VIA_ABOVE} columns)`,
      (v) => (v === 'none' ? 'none' : parseVia(v)))
    .option('--ae-epochs <n>', 'autoencoder epochs for --via ae:N', parseIntOption(1), 10)
    .option('--batch-size <n>', 'autoencoder minibatch for --via ae:N', parseIntOption(1), 256)
    .option('--open', 'show the result in the 3D explorer');
  addGraphOptions(cmd);
  addCommonOptions(cmd)
    .addHelpText('after', '\nExamples:\n  latentgpu umap fashion-mnist --limit 10000 -o fm-umap.npy --plot fm-umap.png\n' +
      '  latentgpu umap data.csv --labels label --neighbors 30 --min-dist 0.3 --via none -o map.csv\n' +
      '  latentgpu umap embeddings.npy --metric cosine --dims 3 -o map3d.npy')
    .action((input: string, opts: UmapCliOptions) => runReduce('umap', input, opts, env, async (ctx, x, ds) => {
      // Fail on the parameters before spending time on PCA or an autoencoder.
      const params = {
        dims: opts.dims, nNeighbors: opts.neighbors, minDist: opts.minDist, spread: opts.spread, metric: opts.metric,
        nEpochs: opts.epochs, learningRate: opts.learningRate, negativeSampleRate: opts.negativeSampleRate, seed: opts.seed,
      };
      resolveOptions(params);
      checkSize(ds.n, opts.neighbors);
      const given = readGivenGraph(opts, ds, opts.neighbors - 1, `--neighbors ${opts.neighbors} (the point and ${opts.neighbors - 1} others)`);
      const engine0 = await ctx.engine();
      applyPlan(ctx, engine0, (budgetBytes) => planUmap(engine0, ds.n, opts.neighbors, opts.dims, { budgetBytes }));
      const via = opts.via === 'none' ? undefined : opts.via ?? (ds.d > DEFAULT_VIA_ABOVE ? { method: 'pca' as const, dims: DEFAULT_VIA_ABOVE } : undefined);
      const z = await viaStage(ctx, x, () => ds.x, via, opts.seed, { epochs: opts.aeEpochs, batchSize: opts.batchSize });
      ctx.checkAbort();
      const engine = await ctx.engine();
      const points = opts.metric === 'cosine' ? ctx.track(normalizeRows(engine, z, 'l2', 'umap.unitRows')) : z;
      const graph = await graphStage(ctx, engine, points, opts.neighbors - 1, opts, given, opts.seed);
      try {
        ctx.checkAbort();
        const umap = ctx.track(new UMAP(engine, {
          ...params, init: opts.init, knn: graph, signal: env.signal, progressEvery: 10, onWarning: (m) => ctx.reporter.note(m),
        }));
        const emb = await ctx.reporter.stage('umap', (p) => {
          umap.opts.onProgress = (e) => p.update(e.epoch, e.epochs);
          return umap.fit(z);
        });
        ctx.summary.umap = {
          neighbors: opts.neighbors, min_dist: opts.minDist, spread: opts.spread, metric: opts.metric, a: umap.a, b: umap.b,
          epochs: opts.epochs ?? (ds.n <= 10_000 ? 500 : 200), init: umap.initUsed, via: via ? `${via.method}:${via.dims}` : 'none',
        };
        return emb;
      } finally {
        disposeKnnGraph(graph);
      }
    }));
}
