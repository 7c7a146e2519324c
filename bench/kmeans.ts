// `npm run bench -- kmeans [--restarts 3] [--reps 2] [--only pca50|raw]`: k-means (k = 10) on Fashion-MNIST
// (70,000 images: train + test), as 50 principal components (the repo's PCA, computed once and
// handed to both sides) and as raw 784 pixels, against scikit-learn's KMeans (algorithm='lloyd',
// same n_init, max_iter and tol, k-means++) run by /usr/bin/python3 in the same run. Reports wall
// time (ours: upload + fit + labels read back; scikit-learn: fit), inertia and ARI against the
// classes. The CPU is shared, so each side runs `reps` times, alternating, and the fastest run of
// each counts (both are deterministic: same result every run). Writes bench/results/kmeans.json.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { join } from 'node:path';
import { adjustedRandIndex, createEngine, KMeans, parseAdapterChoice, PCA, type Engine } from '../src/index.js';
import { loadFashionMnist } from '../src/io/fashion-mnist.js';
import { machine, parseArgs, table, writeResult } from './lib/common.js';

const args = parseArgs();
const K = 10;
const RESTARTS = Number(args.restarts ?? 3);
const MAX_ITER = 300;
const TOL = 1e-4;
const REPS = Number(args.reps ?? 2);

const SKLEARN = `
import sys, json, time, numpy as np
from sklearn.cluster import KMeans
from sklearn.metrics import adjusted_rand_score
path, n, d, labels_path, k, n_init, max_iter, tol = sys.argv[1:9]
x = np.fromfile(path, dtype=np.float32).reshape(int(n), int(d))
y = np.fromfile(labels_path, dtype=np.uint8)
t = time.perf_counter()
km = KMeans(n_clusters=int(k), n_init=int(n_init), max_iter=int(max_iter), tol=float(tol), algorithm='lloyd', random_state=0).fit(x)
s = time.perf_counter() - t
print(json.dumps({'seconds': s, 'inertia': float(km.inertia_), 'iterations': int(km.n_iter_), 'ari': adjusted_rand_score(y, km.labels_)}))
`;

function sklearn(dir: string, name: string, x: Float32Array, n: number, d: number): { seconds: number; inertia: number; iterations: number; ari: number } {
  const path = join(dir, `${name}.f32`);
  writeFileSync(path, x);
  const r = spawnSync('/usr/bin/python3', ['-c', SKLEARN, path, String(n), String(d), join(dir, 'labels.u8'), String(K), String(RESTARTS), String(MAX_ITER), String(TOL)],
    { encoding: 'utf8', maxBuffer: 1 << 24 });
  rmSync(path);
  if (r.status !== 0) throw new Error(`scikit-learn failed: ${r.stderr}`);
  return JSON.parse(r.stdout.trim().split('\n').pop()!);
}

async function ours(engine: Engine, x: Float32Array, n: number, d: number, labels: Uint8Array) {
  const t0 = performance.now();
  const xt = engine.tensor(x, [n, d], { label: 'fashion-mnist' });
  const model = await KMeans.fit(engine, xt, { k: K, restarts: RESTARTS, maxIter: MAX_ITER, tol: TOL, seed: 0 });
  const got = await model.labels.read();
  const seconds = (performance.now() - t0) / 1000;
  const result = { seconds, inertia: model.inertia, iterations: model.iterations, ari: adjustedRandIndex(got, labels) };
  model.dispose();
  xt.dispose();
  return result;
}

const engine = await createEngine({ adapter: args.adapter ? parseAdapterChoice(args.adapter) : undefined, onWarning: () => {} });
const fm = loadFashionMnist('all');
const dir = mkdtempSync(join(os.tmpdir(), 'latentgpu-kmeans-'));
writeFileSync(join(dir, 'labels.u8'), Uint8Array.from(fm.labels));
const labels = Uint8Array.from(fm.labels);
const load = [os.loadavg()[0]];
const rows = [];
try {
  const sets: Array<{ name: string; data: () => Promise<{ x: Float32Array; d: number }> }> = [
    {
      name: 'pca50', data: async () => {
        const xt = engine.tensor(fm.x, [fm.n, fm.d]);
        const pca = await PCA.fit(engine, xt, { components: 50 });
        const z = pca.transform(xt);
        const x = (await z.read()) as Float32Array;
        for (const t of [xt, z]) t.dispose();
        pca.dispose();
        return { x, d: 50 };
      },
    },
    { name: 'raw784', data: async () => ({ x: fm.x, d: fm.d }) },
  ];
  for (const set of sets) {
    if (args.only && !set.name.startsWith(args.only)) continue;
    const { x, d } = await set.data();
    let mine: Awaited<ReturnType<typeof ours>> | null = null;
    let peer: ReturnType<typeof sklearn> | null = null;
    const times: { ours: number[]; peer: number[] } = { ours: [], peer: [] };
    for (let rep = 0; rep < REPS; rep++) {
      const m = await ours(engine, x, fm.n, d, labels);
      console.error(`${set.name}: latentgpu ${m.seconds.toFixed(1)} s, inertia ${m.inertia.toFixed(0)}`);
      const p = sklearn(dir, set.name, x, fm.n, d);
      console.error(`${set.name}: scikit-learn ${p.seconds.toFixed(1)} s, inertia ${p.inertia.toFixed(0)}`);
      times.ours.push(m.seconds);
      times.peer.push(p.seconds);
      if (!mine || m.seconds < mine.seconds) mine = m;
      if (!peer || p.seconds < peer.seconds) peer = p;
    }
    if (!mine || !peer) continue;
    rows.push({
      data: `fashion-mnist ${set.name}`, n: fm.n, d, k: K, restarts: RESTARTS,
      seconds: mine.seconds, peer: 'scikit-learn lloyd', peer_seconds: peer.seconds, time_ratio: mine.seconds / peer.seconds,
      inertia: mine.inertia, peer_inertia: peer.inertia, inertia_ratio: mine.inertia / peer.inertia,
      iterations: mine.iterations, peer_iterations: peer.iterations, ari: mine.ari, peer_ari: peer.ari,
      all_seconds: times.ours.map((t) => +t.toFixed(2)).join(' '), peer_all_seconds: times.peer.map((t) => +t.toFixed(2)).join(' '),
    });
    load.push(os.loadavg()[0]);
  }
} finally {
  rmSync(dir, { recursive: true, force: true });
}
const notes = 'time_ratio = ours / scikit-learn (≤ 1 is faster), fastest of `reps` alternating runs each (all runs in ' +
  'all_seconds); iterations are those of the winning restart. The 2-core CPU was shared with other work during the run ' +
  '(1-minute load averages in load_avg). PCA-50 is the repo\'s PCA of the 70,000 images, computed once and given to both.';
const result = { benchmark: 'kmeans', adapter: engine.kind, description: engine.description, machine: machine(), load_avg: load, notes, rows };
console.log(table(rows));
console.log(`wrote ${writeResult('kmeans', result)}`);
engine.dispose();
