// `npm run bench -- umap [--sizes 10000,70000] [--dims3 70000] [--umap-js-max 10000] [--approx-above 20000]
//  [--sklearn-metrics-max 20000] [--no-umap-learn] [--append]`
// Fashion-MNIST, PCA to 50 (scikit-learn's PCA, fed to every method), 2-D UMAP with the defaults
// (15 neighbours, min_dist 0.1): latentgpu against umap-learn (Debian package, run warm: a tiny fit
// first compiles its numba code, timed apart) and umap-js (npm, in this process) in the same run.
// Times are end to end from the PCA-50 array to the embedding (kNN, graph, initialisation, epochs).
// Quality is measured the same way for every embedding: 10-NN accuracy (5-fold) and trustworthiness
// (k = 10), by scikit-learn up to 20,000 points and by latentgpu's own measures above (scikit-learn's
// trustworthiness holds an n×n matrix). A roofline model predicts latentgpu's time at 1M points on an H200.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { UMAP as UmapJs } from 'umap-js';
import { existsSync, readFileSync } from 'node:fs';
import { createEngine, knnAccuracy, trustworthiness } from '../src/index.js';
import { loadFashionMnist } from '../src/io/fashion-mnist.js';
import { seededRandom } from '../src/ops/random.js';
import { UMAP } from '../src/models/umap/umap.js';
import { machine, parseArgs, table, writeResult } from './lib/common.js';
import { runPython } from './lib/sklearn_peer.js';
import { umapRoofline } from './lib/umap_roofline.js';

const PCA50 = `
import sys, json, time, numpy as np
from sklearn.decomposition import PCA
xp, n, d, out = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), sys.argv[4]
x = np.fromfile(xp, dtype=np.float32).reshape(n, d)
t0 = time.perf_counter()
PCA(n_components=50, random_state=0).fit_transform(x).astype(np.float32).tofile(out)
print(json.dumps({"seconds": time.perf_counter() - t0}))
`;

// argv extras: dims, labels file, run umap-learn (1/0), embeddings to score (files, comma-separated),
// score with scikit-learn (1/0: its trustworthiness holds an n×n matrix, too big past ~20,000 points)
const UMAP_LEARN = `
import sys, json, time, numpy as np
from sklearn.manifold import trustworthiness
from sklearn.model_selection import cross_val_score, StratifiedKFold
from sklearn.neighbors import KNeighborsClassifier
xp, n, d, out, dims, labels_path, run, others, score = sys.argv[1:10]
n, d, dims = int(n), int(d), int(dims)
x = np.fromfile(xp, dtype=np.float32).reshape(n, d)
labels = np.fromfile(labels_path, dtype=np.int32)
def quality(e):
    acc = cross_val_score(KNeighborsClassifier(n_neighbors=10), e, labels, cv=StratifiedKFold(5)).mean()
    return {"knn10": float(acc), "trust10": float(trustworthiness(x, e, n_neighbors=10))}
info = {"seconds": 0}
if run == "1":
    import umap
    t0 = time.perf_counter()
    umap.UMAP(n_components=dims, random_state=0, n_epochs=20).fit_transform(np.random.RandomState(0).rand(300, d).astype(np.float32))
    info["compile_s"] = time.perf_counter() - t0
    t0 = time.perf_counter()
    e = umap.UMAP(n_components=dims, n_neighbors=15, min_dist=0.1).fit_transform(x)
    info["seconds"] = time.perf_counter() - t0
    e.astype(np.float32).tofile(out)
    if score == "1":
        info["umap_learn"] = quality(e)
else:
    np.zeros(1, dtype=np.float32).tofile(out)
info["others"] = [quality(np.fromfile(p, dtype=np.float32).reshape(n, -1)) for p in others.split(",") if p] if score == "1" else []
print(json.dumps(info))
`;

function fmnist(n: number): { x: Float32Array; labels: Int32Array } {
  const data = loadFashionMnist('all', n);
  const pca = runPython(PCA50, data.x, data.n, data.d, []);
  return { x: new Float32Array(pca.output), labels: Int32Array.from(data.labels) };
}

function tmpFile(name: string, a: Int32Array | Float32Array): string {
  const p = join(mkdtempSync(join(tmpdir(), 'latentgpu-umap-')), name);
  writeFileSync(p, new Uint8Array(a.buffer, a.byteOffset, a.byteLength));
  return p;
}

const args = parseArgs();
const sizes = (args.sizes ?? '10000').split(',').map(Number);
const dims3 = Number(args.dims3 ?? 0);
const umapJsMax = Number(args['umap-js-max'] ?? 10000);
const withUmapLearn = args['no-umap-learn'] !== 'true';
// Above this size latentgpu builds its kNN graph approximately (RP forest + NN-descent), as umap-learn always does.
const approxAbove = Number(args['approx-above'] ?? 20000);
// Above this size quality is measured by latentgpu's own kNN accuracy and trustworthiness, for every method.
const sklearnMetricsMax = Number(args['sklearn-metrics-max'] ?? 20000);
const engine = await createEngine();
interface Quality { knn10: number; trust10: number }
const rows: Array<Record<string, unknown>> = [];

async function ours(x: Float32Array, n: number, dims: number) {
  const t0 = performance.now();
  const stages: Record<string, number> = {};
  const xt = engine.tensor(x, [n, 50]);
  const umap = new UMAP(engine, { dims, seed: 1, knnMethod: n > approxAbove ? 'approx' : 'exact' });
  const y = (await (await umap.fit(xt)).read()) as Float32Array;
  stages.total = (performance.now() - t0) / 1000;
  const graph = { nnz: umap.graph!.nnz, maxWeight: umap.graph!.maxWeight, meanWeight: umap.graph!.host.weights.reduce((a, b) => a + b, 0) / umap.graph!.nnz };
  const init = umap.initUsed;
  umap.dispose();
  xt.dispose();
  return { y, seconds: stages.total, graph, init };
}

function umapJs(x: Float32Array, n: number, dims: number): { y: Float32Array; seconds: number } {
  const rows2d = Array.from({ length: n }, (_, i) => Array.from(x.subarray(i * 50, (i + 1) * 50)));
  const t0 = performance.now();
  const emb = new UmapJs({ nComponents: dims, nNeighbors: 15, minDist: 0.1, random: seededRandom(1) }).fit(rows2d);
  const seconds = (performance.now() - t0) / 1000;
  return { y: Float32Array.from(emb.flat()), seconds };
}

async function compare(n: number, dims: number) {
  const { x, labels } = fmnist(n);
  const mine = await ours(x, n, dims);
  console.error(`latentgpu n=${n} dims=${dims}: ${mine.seconds.toFixed(1)} s (init ${mine.init})`);
  const js = dims === 2 && n <= umapJsMax ? umapJs(x, n, dims) : null;
  if (js) console.error(`umap-js n=${n}: ${js.seconds.toFixed(1)} s`);
  const scored = [tmpFile('ours.bin', mine.y), ...(js ? [tmpFile('js.bin', js.y)] : [])];
  const sk = n <= sklearnMetricsMax;
  const py = runPython(UMAP_LEARN, x, n, 50, [dims, tmpFile('labels.bin', labels), withUmapLearn && dims === 2 ? 1 : 0, scored.join(','), sk ? 1 : 0]);
  const info = py.info as { seconds: number; compile_s?: number; umap_learn?: Quality; others: Quality[] };
  if (!sk) {
    const xt = engine.tensor(x, [n, 50]);
    const score = async (y: Float32Array): Promise<Quality> => {
      const yt = engine.tensor(y, [n, y.length / n]);
      const q = { knn10: await knnAccuracy(engine, yt, labels, 10), trust10: await trustworthiness(engine, xt, yt, 10) };
      yt.dispose();
      return q;
    };
    info.others = [await score(mine.y), ...(js ? [await score(js.y)] : [])];
    if (info.seconds > 0) info.umap_learn = await score(new Float32Array(py.output));
    xt.dispose();
  }
  const row: Record<string, unknown> = {
    n, dims, latentgpu_s: mine.seconds, knn10: info.others[0].knn10, trust10: info.others[0].trust10, init: mine.init,
    metrics_by: sk ? 'scikit-learn' : 'latentgpu',
  };
  if (info.umap_learn) {
    Object.assign(row, {
      umap_learn_s: info.seconds, umap_learn_compile_s: info.compile_s, ratio_vs_umap_learn: mine.seconds / info.seconds,
      umap_learn_knn10: info.umap_learn.knn10, umap_learn_trust10: info.umap_learn.trust10,
    });
  }
  if (js) Object.assign(row, { umap_js_s: js.seconds, ratio_vs_umap_js: mine.seconds / js.seconds, umap_js_knn10: info.others[1].knn10, umap_js_trust10: info.others[1].trust10 });
  console.log(JSON.stringify(row));
  return { row, graph: mine.graph };
}

let graphStats: { nnz: number; meanWeight: number; maxWeight: number } | undefined;
for (const n of sizes) {
  const r = await compare(n, 2);
  rows.push(r.row);
  graphStats = { nnz: r.graph.nnz / n, meanWeight: r.graph.meanWeight, maxWeight: r.graph.maxWeight };
}
if (dims3 > 0) rows.push((await compare(dims3, 3)).row);
const roofline = graphStats ? umapRoofline(1_000_000, 2, graphStats.nnz, graphStats.meanWeight / graphStats.maxWeight) : undefined;
console.log(table(rows));
if (roofline) console.log(`roofline at 1M points on an H200: ${roofline.seconds.toFixed(2)} s (${JSON.stringify(roofline.stages)})`);
// --append keeps the rows of an earlier run for sizes this run did not measure (each row has its date).
const previous = args.append === 'true' && existsSync('bench/results/umap.json')
  ? (JSON.parse(readFileSync('bench/results/umap.json', 'utf8')) as { rows: Array<Record<string, unknown>> }).rows : [];
for (const r of rows) r.date = new Date().toISOString();
const kept = previous.filter((p) => !rows.some((r) => r.n === p.n && r.dims === p.dims));
const path = writeResult('umap', {
  machine: machine(), adapter: engine.description,
  note: `PCA to 50 by scikit-learn, fed to every method; times end to end from PCA-50 (kNN, graph, init, epochs); latentgpu's kNN exact up to ${approxAbove} points, approximate above; umap-learn warm (its numba compile timed apart); umap-js up to ${umapJsMax} points; CPU shared with other work during the run.`,
  rows: [...kept, ...rows], roofline_1m_h200: roofline,
});
console.log(`wrote ${path}`);
engine.dispose();
