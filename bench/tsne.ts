// `npm run bench -- tsne [--sizes 5000,10000] [--scaling 10000,20000,40000] [--scaling-iterations 300]
//  [--dims3 10000] [--iterations 1000] [--no-sklearn]`
// Fashion-MNIST, PCA to 50 (scikit-learn's PCA, fed to both so that both embed the same data),
// perplexity 30: latentgpu's t-SNE against scikit-learn's Barnes–Hut TSNE (n_jobs=2, init pca,
// learning_rate auto) in the same run. Quality is measured the same way for both embeddings:
// 10-NN accuracy (5-fold) and trustworthiness (k = 10) by scikit-learn, and KL(P‖Q) under
// latentgpu's P with the exact Z. Wall times include kNN, affinities and optimisation; data
// loading and PCA are excluded for both.
import { createEngine } from '../src/index.js';
import { loadFashionMnist } from '../src/io/fashion-mnist.js';
import { TSNE } from '../src/models/tsne/tsne.js';
import { disposeAffinities, jointAffinities } from '../src/models/tsne/affinities.js';
import { ExactRepulsion } from '../src/models/tsne/repulsion.js';
import { Objective } from '../src/models/tsne/objective.js';
import { knnGraph } from '../src/models/knn/index.js';
import type { Engine } from '../src/engine/engine.js';
import { machine, parseArgs, table, writeResult } from './lib/common.js';
import { runPython } from './lib/sklearn_peer.js';

const PCA50 = `
import sys, json, time, numpy as np
from sklearn.decomposition import PCA
xp, n, d, out = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), sys.argv[4]
x = np.fromfile(xp, dtype=np.float32).reshape(n, d)
t0 = time.perf_counter()
y = PCA(n_components=50, random_state=0).fit_transform(x)
y.astype(np.float32).tofile(out)
print(json.dumps({"seconds": time.perf_counter() - t0}))
`;

// argv extras: mode (tsne|metrics), dims, labels file, our embedding file, iterations
const SKLEARN_TSNE = `
import sys, json, time, numpy as np
from sklearn.manifold import TSNE, trustworthiness
from sklearn.model_selection import cross_val_score, StratifiedKFold
from sklearn.neighbors import KNeighborsClassifier
xp, n, d, out, mode, dims, labels_path, ours_path, iters = sys.argv[1:10]
n, d, dims, iters = int(n), int(d), int(dims), int(iters)
x = np.fromfile(xp, dtype=np.float32).reshape(n, d)
labels = np.fromfile(labels_path, dtype=np.int32)
def quality(e):
    acc = cross_val_score(KNeighborsClassifier(n_neighbors=10), e, labels, cv=StratifiedKFold(5)).mean()
    return {"knn10": float(acc), "trust10": float(trustworthiness(x, e, n_neighbors=10))}
info = {}
if mode == "tsne":
    t0 = time.perf_counter()
    t = TSNE(n_components=dims, perplexity=30, n_iter=iters, init="pca", learning_rate="auto", method="barnes_hut", n_jobs=2, random_state=0)
    e = t.fit_transform(x)
    info["seconds"] = time.perf_counter() - t0
    info["kl_reported"] = float(t.kl_divergence_)
    e.astype(np.float32).tofile(out)
    info["sklearn"] = quality(e)
else:
    np.zeros(1, dtype=np.float32).tofile(out)
    info["seconds"] = 0
ours = np.fromfile(ours_path, dtype=np.float32).reshape(n, -1)
info["ours"] = quality(ours)
print(json.dumps(info))
`;

function fmnist(n: number): { x: Float32Array; labels: Int32Array } {
  const data = loadFashionMnist('all', n);
  const pca = runPython(PCA50, data.x, data.n, data.d, []);
  return { x: new Float32Array(pca.output), labels: Int32Array.from(data.labels) };
}

/** KL(P‖Q) of an embedding under latentgpu's P (perplexity 30) with the exact Z. */
async function exactKl(engine: Engine, x: Float32Array, n: number, y: Float32Array, dims: 2 | 3): Promise<number> {
  const xt = engine.tensor(x, [n, 50]);
  const g = await knnGraph(engine, xt, 90);
  const p = await jointAffinities(engine, g, 30);
  const yt = engine.tensor(y, [n, dims]);
  const obj = new Objective(engine, p, dims, new ExactRepulsion(engine, dims));
  obj.encode(yt, yt, true);
  const kl = await obj.readKl();
  for (const t of [xt, yt, g.indices, g.distances]) t.dispose();
  disposeAffinities(p);
  obj.dispose();
  return kl;
}

async function ours(engine: Engine, x: Float32Array, n: number, dims: 2 | 3, iterations: number) {
  const marks: number[] = [];
  const t0 = performance.now();
  const xt = engine.tensor(x, [n, 50]);
  const tsne = new TSNE(engine, { dims, perplexity: 30, iterations, seed: 1, progressEvery: 50, field, onProgress: () => { marks.push(performance.now()); } });
  const y = (await (await tsne.fit(xt)).read()) as Float32Array;
  const seconds = (performance.now() - t0) / 1000;
  // Time per iteration over the last (up to) 500 iterations, after the embedding has expanded.
  const last = Math.min(10, marks.length - 1);
  const perIter = (marks[marks.length - 1] - marks[marks.length - 1 - last]) / (last * 50);
  tsne.dispose();
  xt.dispose();
  return { y, seconds, msPerIteration: perIter };
}

function writeF32(x: ArrayLike<number>): Float32Array { return Float32Array.from(x); }

const args = parseArgs();
const sizes = (args.sizes ?? '5000,10000').split(',').map(Number);
const scaling = ['none', 'true'].includes(args.scaling ?? '') ? [] : (args.scaling ?? '10000,20000,40000').split(',').map(Number);
const dims3 = Number(args.dims3 ?? 10000);
const iterations = Number(args.iterations ?? 1000);
const scalingIterations = Number(args['scaling-iterations'] ?? 300);
const withSklearn = args['no-sklearn'] !== 'true';
const field = { spacing: args.spacing ? Number(args.spacing) : undefined, maxNodes: args['max-nodes'] ? Number(args['max-nodes']) : undefined };
const engine = await createEngine();
const rows: Array<Record<string, unknown>> = [];
const scalingRows: Array<Record<string, unknown>> = [];

async function compare(n: number, dims: 2 | 3, sklearn: boolean) {
  const { x, labels } = fmnist(n);
  const mine = await ours(engine, x, n, dims, iterations);
  const labelsF = new Float32Array(labels.buffer);
  const py = runPython(SKLEARN_TSNE, x, n, 50, [sklearn ? 'tsne' : 'metrics', dims, ...tmpFiles(labelsF, writeF32(mine.y)), iterations]);
  const info = py.info as { seconds: number; kl_reported?: number; sklearn?: { knn10: number; trust10: number }; ours: { knn10: number; trust10: number } };
  const klOurs = await exactKl(engine, x, n, mine.y, dims);
  const row: Record<string, unknown> = {
    n, dims, iterations, latentgpu_s: mine.seconds, ms_per_iter: mine.msPerIteration, kl: klOurs, knn10: info.ours.knn10, trust10: info.ours.trust10,
  };
  if (sklearn && info.sklearn) {
    const klSk = await exactKl(engine, x, n, new Float32Array(py.output), dims);
    Object.assign(row, {
      sklearn_s: info.seconds, ratio: mine.seconds / info.seconds, sklearn_kl: klSk, sklearn_kl_reported: info.kl_reported,
      sklearn_knn10: info.sklearn.knn10, sklearn_trust10: info.sklearn.trust10,
    });
  }
  console.log(JSON.stringify(row));
  return row;
}

import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
function tmpFiles(labels: Float32Array, y: Float32Array): [string, string] {
  const dir = mkdtempSync(join(tmpdir(), 'latentgpu-tsne-'));
  const lp = join(dir, 'labels.bin');
  const yp = join(dir, 'ours.bin');
  writeFileSync(lp, new Uint8Array(labels.buffer, labels.byteOffset, labels.byteLength));
  writeFileSync(yp, new Uint8Array(y.buffer, y.byteOffset, y.byteLength));
  return [lp, yp];
}

for (const n of sizes) rows.push(await compare(n, 2, withSklearn));
if (dims3 > 0) rows.push(await compare(dims3, 3, false));
for (const n of scaling) {
  const measured = rows.find((r) => r.n === n && r.dims === 2);
  if (measured) {
    scalingRows.push({ n, iterations, seconds: measured.latentgpu_s, ms_per_iter: measured.ms_per_iter });
    continue;
  }
  const { x } = fmnist(n);
  const r = await ours(engine, x, n, 2, scalingIterations);
  scalingRows.push({ n, iterations: scalingIterations, seconds: r.seconds, ms_per_iter: r.msPerIteration });
  console.log(JSON.stringify(scalingRows[scalingRows.length - 1]));
}
let exponent: number | undefined;
if (scalingRows.length >= 2) {
  const a = scalingRows[0];
  const b = scalingRows[scalingRows.length - 1];
  exponent = Math.log((b.ms_per_iter as number) / (a.ms_per_iter as number)) / Math.log((b.n as number) / (a.n as number));
}
console.log(table(rows));
console.log(table(scalingRows));
if (exponent !== undefined) console.log(`per-iteration time exponent ${scalingRows[0].n}→${scalingRows[scalingRows.length - 1].n}: ${exponent.toFixed(2)}`);
const path = writeResult('tsne', {
  machine: machine(), adapter: engine.description,
  note: 'PCA to 50 by scikit-learn, fed to both; CPU shared with other work during the run; ms_per_iter over the last (up to) 500 iterations; the scaling rows past the compared sizes run fewer iterations.',
  rows, scaling: scalingRows, scalingExponent: exponent,
});
console.log(`wrote ${path}`);
engine.dispose();
