// `npm run bench -- knn --mix N --k K` (or `--data x.npy --k K`): the approximate graph against PyNNDescent
// on a Gaussian mixture, written to bench/results/knn-approx-mix-N-kK.json (see lib/knn_mix.ts).
// `npm run bench -- knn [--quick] [--full] [--approx-n N] [--adapter llvmpipe]`: the kNN graph against
// scikit-learn's NearestNeighbors on the same Fashion-MNIST data: exact on raw pixels, exact and
// approximate (recall@k against exact) after PCA to 50 dims with k = 90 (t-SNE's 3·perplexity).
// `--approx-n N` runs only the approximate graph at N points (recall on a 1,000-row sample).
// Writes bench/results/knn.json (or knn-approx-N.json).
import { PCA, createEngine, distanceFamily, knnGraph, knnRecall, parseAdapterChoice, type Engine, type KnnGraph } from '../src/index.js';
import { loadFashionMnist } from '../src/io/fashion-mnist.js';
import os from 'node:os';
import { machine, parseArgs, table, writeResult } from './lib/common.js';
import { SKLEARN_KNN, runPython } from './lib/sklearn_peer.js';
import { runMixBenchmark } from './lib/knn_mix.js';

const args = parseArgs();
if (args.mix || args.data) {
  await runMixBenchmark(args);
  process.exit(0);
}
const quick = args.quick === 'true';
const full = args.full === 'true';
const approxOnly = args['approx-n'] ? Number(args['approx-n']) : 0;

async function timed<T>(engine: Engine, fn: () => Promise<T>): Promise<{ value: T; seconds: number }> {
  await engine.sync();
  const t0 = performance.now();
  const value = await fn();
  await engine.sync();
  return { value, seconds: (performance.now() - t0) / 1000 };
}

/** Fraction of the peer's neighbours that our graph lists too (both exclude self). */
async function agreement(g: KnnGraph, peer: Int32Array): Promise<number> {
  const ours = await g.indices.read();
  let hits = 0;
  for (let i = 0; i < g.n; i++) {
    const set = new Set(ours.subarray(i * g.k, (i + 1) * g.k));
    for (let t = 0; t < g.k; t++) if (set.has(peer[i * g.k + t])) hits++;
  }
  return hits / (g.n * g.k);
}

/** The distance-op variant the tuner picked for a self search of this shape. */
const variantOf = (n: number, d: number, k: number) => engine.tuner.choose(distanceFamily, { m: n, n, d, k });

const engine = await createEngine({ adapter: args.adapter ? parseAdapterChoice(args.adapter) : undefined, onWarning: () => {} });
// Warm-up: compile every pipeline on a small input.
{
  const w = engine.tensor(new Float32Array(300 * 8).map((_, i) => Math.sin(i)), [300, 8]);
  for (const method of ['exact', 'approx'] as const) {
    const g = await knnGraph(engine, w, 5, { method });
    g.indices.dispose(); g.distances.dispose();
  }
  w.dispose();
}

const rows: Array<Record<string, unknown>> = [];
const rawN = approxOnly ? 0 : quick ? 5000 : 10_000;
const pcaNs = approxOnly ? [approxOnly] : quick ? [10_000] : full ? [20_000, 70_000] : [20_000];
const fm = loadFashionMnist('all', Math.max(rawN, ...pcaNs));

// Exact on raw pixels.
if (rawN > 0) {
  const k = 10;
  const x = fm.x.subarray(0, rawN * 784);
  const t = engine.tensor(x, [rawN, 784]);
  const ours = await timed(engine, () => knnGraph(engine, t, k, { method: 'exact' }));
  const peer = runPython(SKLEARN_KNN, x, rawN, 784, [k, 'brute']);
  const agree = await agreement(ours.value, new Int32Array(peer.output));
  rows.push({ data: `Fashion-MNIST ${rawN}×784`, k, method: 'exact', variant: variantOf(rawN, 784, k), seconds: ours.seconds, recall: agree,
    peer: `sklearn ${peer.info.algorithm}`, peer_seconds: peer.seconds, ratio: ours.seconds / peer.seconds });
  console.error(rows[rows.length - 1]);
  ours.value.indices.dispose(); ours.value.distances.dispose(); t.dispose();
}

// After PCA to 50 dims, k = 90: exact, approximate, and the peer's own choice of algorithm.
for (const n of pcaNs) {
  const k = 90;
  const t = engine.tensor(fm.x.subarray(0, n * 784), [n, 784]);
  const pca = await PCA.fit(engine, t, { components: 50 });
  const z = pca.transform(t);
  const zHost = (await z.read()) as Float32Array;
  t.dispose(); pca.dispose();
  const peer = runPython(SKLEARN_KNN, zHost, n, 50, [k, 'auto']);
  const label = `Fashion-MNIST ${n}, PCA 50`;
  let exact: KnnGraph | undefined;
  if (!approxOnly && (n <= 20_000 || full)) {
    const e = await timed(engine, () => knnGraph(engine, z, k, { method: 'exact' }));
    exact = e.value;
    rows.push({ data: label, k, method: 'exact', variant: variantOf(n, 50, k), seconds: e.seconds, recall: await agreement(exact, new Int32Array(peer.output)),
      peer: `sklearn ${peer.info.algorithm}`, peer_seconds: peer.seconds, ratio: e.seconds / peer.seconds });
    console.error(rows[rows.length - 1]);
  }
  const a = await timed(engine, () => knnGraph(engine, z, k, { method: 'approx', seed: 1 }));
  // Recall against exact neighbours: all rows from sklearn's exact graph.
  const recall = await agreement(a.value, new Int32Array(peer.output));
  const t1 = performance.now();
  const sampled = await knnRecall(engine, z, a.value, 1000, 7);
  console.error(`recall on 1,000 rows against exact GPU queries: ${sampled} (${((performance.now() - t1) / 1000).toFixed(1)} s)`);
  rows.push({ data: label, k, method: 'approx', variant: 'rp-forest + nn-descent', seconds: a.seconds, recall, recall_sample_1000: sampled,
    peer: `sklearn ${peer.info.algorithm}`, peer_seconds: peer.seconds, ratio: a.seconds / peer.seconds });
  console.error(rows[rows.length - 1]);
  a.value.indices.dispose(); a.value.distances.dispose();
  exact?.indices.dispose(); exact?.distances.dispose();
  z.dispose();
}

const result = {
  benchmark: 'knn', adapter: engine.kind, description: engine.description, machine: machine(),
  load_average: os.loadavg(),
  notes: 'seconds: ours from data on the GPU to the finished graph (synced); peer: fit + kneighbors in Python, n_jobs=2. ' +
    'recall: fraction of the peer\'s exact neighbours that our graph lists (ties may differ). ratio < 1: ours faster.',
  rows,
};
console.log(table(rows.map(({ recall_sample_1000: _, ...r }) => r)));
console.log(`wrote ${writeResult(approxOnly ? `knn-approx-${approxOnly}` : 'knn', result)}`);
engine.dispose();
