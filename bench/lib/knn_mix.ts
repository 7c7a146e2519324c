// The approximate kNN graph against PyNNDescent on a low-intrinsic-dimension Gaussian mixture
// (20 clusters on 6-dimensional subspaces of 50 dimensions): both timed in the same run, recall@k
// of both on the same 1,000 sampled rows against exact neighbours computed in float64 (numpy).
import { createEngine, parseAdapterChoice } from '../../src/index.js';
import { approxKnnGraph } from '../../src/models/knn/approx.js';
import { readNpyMatrix } from '../../src/io/npy.js';
import { seededRandom, sampleWithoutReplacement } from '../../src/ops/random.js';
import os, { tmpdir } from 'node:os';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { machine, table, writeResult } from './common.js';
import { runPython } from './sklearn_peer.js';

/** n rows of d dims: row i in cluster i % clusters, a Gaussian on a random `intrinsic`-dimensional subspace around its centre, plus noise 0.05. */
export function gaussianMixture(n: number, d = 50, clusters = 20, intrinsic = 6): Float32Array {
  const u = seededRandom(2);
  const g = () => Math.sqrt(-2 * Math.log(Math.max(u(), 1e-12))) * Math.cos(2 * Math.PI * u());
  const centres = Array.from({ length: clusters }, () => Float32Array.from({ length: d }, () => 4 * g()));
  const bases = Array.from({ length: clusters }, () => Float32Array.from({ length: intrinsic * d }, () => g() / Math.sqrt(intrinsic)));
  const x = new Float32Array(n * d);
  const z = new Float32Array(intrinsic);
  for (let i = 0; i < n; i++) {
    const c = i % clusters;
    for (let j = 0; j < intrinsic; j++) z[j] = g();
    const row = x.subarray(i * d, (i + 1) * d);
    row.set(centres[c]);
    const B = bases[c];
    for (let j = 0; j < intrinsic; j++) for (let q = 0; q < d; q++) row[q] += z[j] * B[j * d + q];
    for (let q = 0; q < d; q++) row[q] += 0.05 * g();
  }
  return x;
}

/**
 * PyNNDescent (n_jobs=2, a warm-up fit first so numba's compilation is not timed), then exact
 * neighbours of the sampled rows in float64; writes int32 [n, k] then [rows, k] (self excluded).
 */
const PYNN_AND_EXACT = `
import sys, json, time, numpy as np
from pynndescent import NNDescent
xp, n, d, out, k, rowsp = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), sys.argv[4], int(sys.argv[5]), sys.argv[6]
x = np.fromfile(xp, dtype=np.float32).reshape(n, d)
rows = np.fromfile(rowsp, dtype=np.int32)
NNDescent(x[:2000], n_neighbors=k + 1, random_state=1, n_jobs=2).neighbor_graph
t0, c0 = time.perf_counter(), time.process_time()
idx, _ = NNDescent(x, n_neighbors=k + 1, random_state=1, n_jobs=2).neighbor_graph
t, c = time.perf_counter() - t0, time.process_time() - c0
own = np.empty((n, k), dtype=np.int32)
for i in range(n):
    r = idx[i][idx[i] != i]
    own[i] = r[:k]
q = x[rows].astype(np.float64)
best_d = np.full((len(rows), k + 1), np.inf); best_i = np.zeros((len(rows), k + 1), dtype=np.int64)
for s in range(0, n, 50000):
    b = x[s:s + 50000].astype(np.float64)
    dd = (q * q).sum(1)[:, None] - 2 * q @ b.T + (b * b).sum(1)[None, :]
    dd[rows[:, None] == np.arange(s, s + len(b))[None, :]] = np.inf
    cd = np.concatenate([best_d, dd], 1); ci = np.concatenate([best_i, np.arange(s, s + len(b))[None, :].repeat(len(rows), 0)], 1)
    o = np.argsort(cd, 1, kind='stable')[:, :k + 1]
    best_d = np.take_along_axis(cd, o, 1); best_i = np.take_along_axis(ci, o, 1)
np.concatenate([own.ravel(), best_i[:, :k].astype(np.int32).ravel()]).tofile(out)
print(json.dumps({"seconds": t, "cpu_seconds": c}))
`;

/** Fraction of the exact k nearest of each sampled row that a graph [n, k] lists. */
function recall(graph: ArrayLike<number>, k: number, rows: Int32Array, exact: Int32Array): number {
  let hits = 0;
  rows.forEach((r, i) => {
    const listed = new Set(Array.from({ length: k }, (_, t) => graph[r * k + t]));
    for (let t = 0; t < k; t++) if (listed.has(exact[i * k + t])) hits++;
  });
  return hits / (rows.length * k);
}

export async function runMixBenchmark(args: Record<string, string>): Promise<void> {
  const k = Number(args.k ?? 15);
  const data = args.data ? readNpyMatrix(args.data) : undefined;
  const n = data ? data.rows : Number(args.mix);
  const d = data ? data.cols : 50;
  const x = data ? data.data : gaussianMixture(n, d);
  const engine = await createEngine({ adapter: args.adapter ? parseAdapterChoice(args.adapter) : undefined, onWarning: () => {} });
  // Warm-up: compile the pipelines on a small input.
  const w = engine.tensor(x.subarray(0, Math.min(n, 3000) * d), [Math.min(n, 3000), d]);
  const wg = await approxKnnGraph(engine, w, k, { seed: 1 });
  wg.indices.dispose(); wg.distances.dispose(); w.dispose();

  const t = engine.tensor(x, [n, d]);
  const stats: Record<string, number> = {};
  const c0 = process.cpuUsage();
  const t0 = performance.now();
  const g = await approxKnnGraph(engine, t, k, { seed: 1, stats });
  const seconds = (performance.now() - t0) / 1000;
  const cpu = process.cpuUsage(c0);
  const ours = await g.indices.read();
  g.indices.dispose(); g.distances.dispose(); t.dispose();
  engine.dispose();

  const rows = Int32Array.from(sampleWithoutReplacement(n, Math.min(1000, n), seededRandom(7)));
  const dir = mkdtempSync(join(tmpdir(), 'latentgpu-knn-rows-'));
  const rowsPath = join(dir, 'rows.bin');
  writeFileSync(rowsPath, new Uint8Array(rows.buffer));
  const peer = runPython(PYNN_AND_EXACT, x, n, d, [k, rowsPath]);
  rmSync(dir, { recursive: true, force: true });
  const all = new Int32Array(peer.output);
  const pynn = all.subarray(0, n * k);
  const exact = all.subarray(n * k);
  const row = {
    data: data ? `${args.data} ${n}×${d}` : `mixture ${n}×${d}`, k, method: 'approx (rp-forest + nn-descent join)',
    seconds, cpu_seconds: (cpu.user + cpu.system) / 1e6, recall: recall(ours, k, rows, exact),
    peer: 'PyNNDescent (n_jobs=2)', peer_seconds: peer.seconds, peer_cpu_seconds: Number(peer.info.cpu_seconds),
    peer_recall: recall(pynn, k, rows, exact), ratio: seconds / peer.seconds,
  };
  console.error(row);
  const result = {
    benchmark: 'knn-approx-mix', adapter: engine.kind, description: engine.description, machine: machine(), load_average: os.loadavg(),
    notes: 'seconds: ours from data on the GPU to the finished graph; peer: NNDescent(...).neighbor_graph after a warm-up fit. ' +
      'recall@k of both on the same 1,000 sampled rows against exact float64 neighbours. ratio < 1: ours faster. ' +
      'cpu_seconds: process CPU time (all threads), a check when other work shares the cores. stages: seconds per stage of ours.',
    rows: [row], stages: stats,
  };
  console.log(table([row]));
  console.log(`wrote ${writeResult(`knn-approx-mix-${n}-k${k}`, result)}`);
}
