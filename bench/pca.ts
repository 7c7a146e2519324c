// `npm run bench -- pca [--quick] [--adapter llvmpipe]`: PCA to 50 components against
// scikit-learn's PCA (svd_solver auto: randomized for these shapes, and full) on the same
// Fashion-MNIST rows: time, explained variance ratio, and the largest principal angle between
// our components and the peer's. Wide data (fewer rows than columns, up to 10,000 columns: the
// Gram route) is compared the same way. `--only wide` skips Fashion-MNIST. Writes bench/results/pca.json.
import { PCA, createEngine, parseAdapterChoice } from '../src/index.js';
import { loadFashionMnist } from '../src/io/fashion-mnist.js';
import os from 'node:os';
import { machine, parseArgs, table, writeResult } from './lib/common.js';
import { SKLEARN_PCA, runPython } from './lib/sklearn_peer.js';

const args = parseArgs();
const quick = args.quick === 'true';
const K = 50;
const D = 784;

/** Largest principal angle (degrees) between the spans of the first `k` rows of two [·, d] orthonormal bases. */
function largestAngle(a: ArrayLike<number>, b: ArrayLike<number>, k: number, d: number): number {
  // σ_min of A·Bᵀ via the smallest eigenvalue of G = (ABᵀ)(ABᵀ)ᵀ, by power iteration on I − G.
  const m = Array.from({ length: k }, (_, i) => Array.from({ length: k }, (_, j) => {
    let s = 0;
    for (let t = 0; t < d; t++) s += a[i * d + t] * b[j * d + t];
    return s;
  }));
  const g = m.map((mi) => m.map((mj) => mi.reduce((s, x, t) => s + x * mj[t], 0)));
  let v = Array.from({ length: k }, (_, i) => 1 + 0.01 * i);
  let lam = 0;
  for (let it = 0; it < 3000; it++) {
    const w = v.map((vi, i) => vi - g[i].reduce((s, gij, j) => s + gij * v[j], 0));
    const nw = Math.hypot(...w);
    if (nw === 0) break;
    lam = nw / Math.hypot(...v);
    v = w.map((x) => x / nw);
  }
  return (Math.acos(Math.sqrt(Math.min(1, Math.max(0, 1 - lam)))) * 180) / Math.PI;
}

const engine = await createEngine({ adapter: args.adapter ? parseAdapterChoice(args.adapter) : undefined, onWarning: () => {} });
{
  const w = engine.tensor(new Float32Array(64 * 16).map((_, i) => Math.sin(i * 1.3)), [64, 16]);
  (await PCA.fit(engine, w, { components: 4 })).dispose();
  (await PCA.fit(engine, w, { components: 4, method: 'randomized' })).dispose();
  w.dispose();
}
const rows: Array<Record<string, unknown>> = [];
for (const n of args.only === 'wide' ? [] : quick ? [10_000] : [10_000, 70_000]) {
  const fm = loadFashionMnist('all', n);
  const t = engine.tensor(fm.x, [n, D]);
  const peers = ['randomized', 'full'].map((solver) => ({ solver, run: runPython(SKLEARN_PCA, fm.x, n, D, [K, solver]) }));
  for (const method of ['covariance', 'randomized'] as const) {
    await engine.sync();
    const t0 = performance.now();
    const pca = await PCA.fit(engine, t, { components: K, method });
    const seconds = (performance.now() - t0) / 1000;
    const evr = pca.explainedVarianceRatio.reduce((a, b) => a + b, 0);
    for (const { solver, run } of peers) {
      const peerEvr = (run.info.evr as number[]).reduce((a, b) => a + b, 0);
      rows.push({
        data: `Fashion-MNIST ${n}×${D}`, method, components: K, seconds, iterations: pca.iterations, evr_sum: evr,
        peer: `sklearn ${solver}`, peer_seconds: run.seconds, peer_evr_sum: peerEvr,
        max_angle_deg: largestAngle(pca.componentsHost, new Float64Array(run.output), K, D), ratio: seconds / run.seconds,
      });
      console.error(rows[rows.length - 1]);
    }
    pca.dispose();
  }
  t.dispose();
}
/** n rows of d columns: 20 directions with decaying variance plus noise, deterministic. */
function wideData(n: number, d: number): Float32Array {
  let s = 12345;
  const r = () => { s = (Math.imul(s, 1103515245) + 12345) >>> 0; return s / 4294967296 - 0.5; };
  const dirs = Array.from({ length: 20 }, () => Float32Array.from({ length: d }, r));
  const x = new Float32Array(n * d);
  for (let i = 0; i < n; i++) {
    for (let c = 0; c < 20; c++) {
      const z = r() * 10 * 0.8 ** c;
      for (let j = 0; j < d; j++) x[i * d + j] += z * dirs[c][j];
    }
    for (let j = 0; j < d; j++) x[i * d + j] += 0.05 * r();
  }
  return x;
}

for (const [n, d, k] of quick ? [[50, 5700, 10]] : [[50, 5700, 10], [500, 10_000, 50], [1000, 10_000, 50]]) {
  const x = wideData(n, d);
  const t = engine.tensor(x, [n, d]);
  const peers = ['randomized', 'full'].map((solver) => ({ solver, run: runPython(SKLEARN_PCA, x, n, d, [k, solver]) }));
  await engine.sync();
  const t0 = performance.now();
  const pca = await PCA.fit(engine, t, { components: k });
  const seconds = (performance.now() - t0) / 1000;
  const evr = pca.explainedVarianceRatio.reduce((a, b) => a + b, 0);
  for (const { solver, run } of peers) {
    rows.push({
      data: `wide synthetic ${n}×${d}`, method: 'auto (gram)', components: k, seconds, iterations: pca.iterations, evr_sum: evr,
      peer: `sklearn ${solver}`, peer_seconds: run.seconds, peer_evr_sum: (run.info.evr as number[]).reduce((a, b) => a + b, 0),
      // Beyond the 20 directions of the data the components are noise: compare the first 15.
      max_angle_deg: largestAngle(pca.componentsHost, new Float64Array(run.output), Math.min(k, 15), d), ratio: seconds / run.seconds,
    });
    console.error(rows[rows.length - 1]);
  }
  pca.dispose();
  t.dispose();
}

const result = {
  benchmark: 'pca', adapter: engine.kind, description: engine.description, machine: machine(),
  load_average: os.loadavg(),
  notes: 'seconds: ours from data on the GPU to the fitted model; peer: PCA.fit in Python (2 BLAS threads). ' +
    'max_angle_deg: largest principal angle between the two 50-dim subspaces (wide data: the first 15 components). ratio < 1: ours faster.',
  rows,
};
console.log(table(rows));
console.log(`wrote ${writeResult(args.only === 'wide' ? 'pca-wide' : 'pca', result)}`);
engine.dispose();
