import { InvalidArgumentError, type Command } from 'commander';
import { InvalidInputError } from '../../engine/errors.js';
import { adjustedRandIndex, normalizedMutualInfo } from '../../metrics/clustering.js';
import { bestKBySilhouette, KMeans, scanK } from '../../models/kmeans/index.js';
import { renderScatter } from '../../io/plot.js';
import { writeAtomic } from '../../io/write.js';
import { addCommonOptions, parseIntOption, RunContext, type CommonOptions, type CliEnv } from '../context.js';
import { emitTable, labelColumn } from '../output.js';
import { checkAllOutputs } from '../preflight.js';
import { round } from '../progress.js';
import { parseVia, pcaStage, viaStage, type DataInput, type ViaSpec } from '../stages.js';
import { datasetRows } from '../reduce.js';

interface ClusterCliOptions extends CommonOptions {
  k: number | 'auto'; kRange: [number, number]; via?: ViaSpec; restarts: number; maxIter: number; epochs: number; batchSize: number;
}

/**
 * Distinct rows of x [n, d], counted up to `atMost` by a hash of each row's bytes (a collision
 * can only make the count too high by one, never hide identical rows).
 */
export function distinctRows(x: Float32Array, n: number, d: number, atMost: number): number {
  const seen = new Set<number>();
  const bits = new Uint32Array(x.buffer, x.byteOffset, n * d);
  for (let i = 0; i < n && seen.size < atMost; i++) {
    let h = 0x811c9dc5;
    for (let j = i * d; j < (i + 1) * d; j++) h = Math.imul(h ^ (bits[j] === 0x80000000 ? 0 : bits[j]), 0x01000193);
    seen.add(h >>> 0);
  }
  return seen.size;
}

/** Names each cluster by its most common label ("Dress 83%"), or "cluster i" without labels. */
export function clusterNames(clusters: ArrayLike<number>, k: number, labels?: ArrayLike<number>, classNames?: readonly string[]): string[] {
  return Array.from({ length: k }, (_, c) => {
    if (!labels) return `cluster ${c}`;
    const counts = new Map<number, number>();
    let size = 0;
    for (let i = 0; i < clusters.length; i++) if (clusters[i] === c) { size++; counts.set(labels[i], (counts.get(labels[i]) ?? 0) + 1); }
    if (size === 0) return `cluster ${c} (empty)`;
    const [top, count] = [...counts].reduce((a, b) => (b[1] > a[1] ? b : a));
    return `${c}: ${classNames?.[top] ?? top} ${Math.round((100 * count) / size)}%`;
  });
}

export function registerCluster(program: Command, env: CliEnv): void {
  const cmd = program.command('cluster')
    .description('k-means on the GPU: group rows into k clusters (or pick k by silhouette with --k auto).')
    .argument('<input>', 'a .npy, .csv, .tsv or IDX file, - for stdin, or fashion-mnist (an embedding written by latentgpu works too)')
    .option('-k, --k <n|auto>', 'number of clusters, or auto to scan --k-range and pick by silhouette', (v) => {
      if (v === 'auto') return 'auto';
      return parseIntOption(1)(v);
    }, 10)
    .option('--k-range <a..b>', 'range scanned by --k auto', (v) => {
      const m = /^(\d+)\.\.(\d+)$/.exec(v);
      if (!m || Number(m[1]) < 2 || Number(m[2]) < Number(m[1])) throw new InvalidArgumentError('expected a range like 2..12 starting at 2 or more.');
      return [Number(m[1]), Number(m[2])];
    }, [2, 12])
    .option('--via <pca:N|ae:N>', 'reduce first (e.g. pca:50)', parseVia)
    .option('--restarts <n>', 'k-means runs from different seeds; the lowest inertia wins', parseIntOption(1), 3)
    .option('--max-iter <n>', 'most Lloyd iterations per run', parseIntOption(1), 300)
    .option('--epochs <n>', 'autoencoder epochs for --via ae:N', parseIntOption(1), 10)
    .option('--batch-size <n>', 'autoencoder minibatch for --via ae:N', parseIntOption(1), 256);
  addCommonOptions(cmd)
    .addHelpText('after', '\nOutput: one cluster number per row (with the label when given); the plot shows the clusters on the\n' +
      'first two principal components (or the data itself when it is 2-D/3-D).\n' +
      '\nExamples:\n  latentgpu cluster fashion-mnist --limit 10000 --k 10 --via pca:50 -o clusters.csv\n' +
      '  latentgpu cluster fm.npy --k auto --k-range 2..15 --plot clusters.png')
    .action(async (input: string, opts: ClusterCliOptions) => {
      const ctx = new RunContext('cluster', opts, env);
      try {
        checkAllOutputs(ctx);
        const ds = await ctx.load(input);
        // Data larger than one GPU buffer stays in its file and goes through a streamed --via pca:N.
        const engine0 = await ctx.engine();
        const x: DataInput = ds.n * ds.d * 4 > engine0.limits.maxBufferSize ? datasetRows(ds) : await ctx.uploadDataset(ds);
        const z = await viaStage(ctx, x, () => ds.x, opts.via, opts.seed, { epochs: opts.epochs, batchSize: opts.batchSize });
        const engine = await ctx.engine();
        ctx.checkAbort();
        let k: number;
        if (opts.k === 'auto') {
          // Silhouette needs 2 ≤ k < distinct points: identical rows form one cluster whatever k is.
          const distinct = distinctRows(ds.x, ds.n, ds.d, opts.kRange[1] + 1);
          if (distinct < 2) throw new InvalidInputError(`--k auto: every row of ${ds.name} is the same, so there is nothing to cluster.`);
          const ks = Array.from({ length: opts.kRange[1] - opts.kRange[0] + 1 }, (_, i) => opts.kRange[0] + i).filter((v) => v < Math.min(ds.n, distinct));
          if (!ks.length) {
            throw new InvalidInputError(`--k auto: ${ds.name} has ${distinct < ds.n ? `${distinct} distinct rows` : `${ds.n} rows`}, too few for k in ${opts.kRange.join('..')}.`);
          }
          // One k at a time, for progress and Ctrl-C between fits.
          const scan = await ctx.reporter.stage('scan', async (p) => {
            const rows = [];
            for (const [i, kk] of ks.entries()) {
              rows.push(...await scanK(engine, z, [kk], { restarts: opts.restarts, maxIter: opts.maxIter, seed: opts.seed }));
              p.update(i + 1, ks.length);
              ctx.checkAbort();
            }
            return rows;
          });
          k = bestKBySilhouette(scan);
          ctx.summary.scan = scan.map((r) => ({ k: r.k, inertia: r.inertia, silhouette: round(r.silhouette, 4) }));
          for (const r of scan) ctx.reporter.note(`k ${String(r.k).padStart(3)}  inertia ${r.inertia.toPrecision(6)}  silhouette ${r.silhouette.toFixed(4)}${r.k === k ? '  ← chosen' : ''}`);
        } else {
          k = opts.k;
          if (k > ds.n) throw new InvalidInputError(`--k ${k} clusters asked for, but ${ds.name} has only ${ds.n} rows.`);
        }
        const model = ctx.track(await ctx.reporter.stage('kmeans', (p) => KMeans.fit(engine, z, {
          k, restarts: opts.restarts, maxIter: opts.maxIter, seed: opts.seed,
          onProgress: (e) => { p.update(e.restart * opts.maxIter + e.iteration, e.restarts * opts.maxIter); ctx.checkAbort(); },
        })));
        const clusters = await model.labels.read() as Uint32Array;
        ctx.summary.result = { k, inertia: model.inertia, iterations: model.iterations };
        if (ds.labels) {
          ctx.summary.metrics = { adjusted_rand_index: round(adjustedRandIndex(ds.labels, clusters), 4), normalized_mutual_info: round(normalizedMutualInfo(ds.labels, clusters), 4) };
        }
        const names = clusterNames(clusters, k, ds.labels, ds.classNames);
        ctx.checkAbort();
        await ctx.reporter.stage('write', async () => {
          emitTable(ctx, { data: clusters, rows: ds.n, cols: 1, columns: ['cluster'], extra: labelColumn(ds) });
          if (opts.plot) {
            const view = z.cols <= 3 ? z : await pcaStage(ctx, z, 2, opts.seed);
            const pts = await view.read() as Float32Array;
            const png = renderScatter(pts, ds.n, view.cols, { labels: clusters, classNames: names, title: `k-means (k = ${k}) of ${ds.name}` });
            writeAtomic(opts.plot, (append) => append(png), opts.force);
            ctx.summary.outputs = [...((ctx.summary.outputs as string[]) ?? []), opts.plot];
          }
        });
        if (!opts.quiet && !opts.json && ds.labels) for (const n of names) ctx.reporter.note(`  ${n}`);
        const m = ctx.summary.metrics as Record<string, number> | undefined;
        ctx.finish(`cluster: ${ds.n} rows into k = ${k} clusters, inertia ${model.inertia.toPrecision(6)}` +
          (m ? `; ARI ${m.adjusted_rand_index}, NMI ${m.normalized_mutual_info}` : ''));
      } finally {
        ctx.dispose();
      }
    });
}
