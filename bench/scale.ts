// `npm run bench -- scale [--sizes 100000,250000,1000000] [--dims 2,3] [--iterations 1000] [--k 90]
//   [--k-extra 15] [--no-peer] [--no-tsne] [--adapter llvmpipe]`: the whole path at scale, through the
// CLI as a user runs it (`npm run build` first). For each size, a labelled Gaussian mixture in 50-d whose
// 20 clusters lie on 6-dimensional subspaces (as real embeddings have a low intrinsic dimension):
//  - `latentgpu knn --knn approx` (k = 90, t-SNE's 3·perplexity, and k = 15), and PyNNDescent on the
//    same file in the same run; recall of both against the exact neighbours of 1,000 sampled rows;
//  - `latentgpu tsne --graph` in 2D and 3D from that graph (same iterations at every size): seconds per
//    stage, seconds per iteration (from the progress events), 10-NN accuracy of the map against the
//    mixture labels on 2,000 sampled rows, peak RSS and GPU bytes from the JSON summary, and (3D) the
//    profiler's predicted time on an H200.
// Rows are merged into bench/results/scale.json by (n, row, k, dims), so sizes can be run separately.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { createEngine, knnQuery, parseAdapterChoice } from '../src/index.js';
import { encodeNpy, readNpyMatrix } from '../src/io/npy.js';
import { readGraphFile } from '../src/io/graph.js';
import { machine, parseArgs, table } from './lib/common.js';

const args = parseArgs();
const sizes = (args.sizes ?? '100000,250000,1000000').split(',').map(Number);
const dimsList = (args.dims ?? '2,3').split(',').map(Number) as Array<2 | 3>;
const iterations = Number(args.iterations ?? 1000);
const kMain = Number(args.k ?? 90);
const kExtra = args['k-extra'] === 'none' ? [] : (args['k-extra'] ?? '15').split(',').map(Number);
const peer = args['no-peer'] !== 'true';
const tsne = args['no-tsne'] !== 'true';
const adapter = args.adapter ?? 'auto';
const SAMPLE = 1000;
const ACC_SAMPLE = 2000;
const cli = resolve('bin/latentgpu.js');
if (!existsSync(resolve('dist/cli.js'))) throw new Error('bench scale runs the built CLI: run `npm run build` first.');
const work = join(tmpdir(), 'latentgpu-scale');
mkdirSync(work, { recursive: true });

/** The seeded mixture: 20 clusters, each a Gaussian on a random 6-d subspace of 50-d, plus small noise. */
function mixture(n: number, d = 50, clusters = 20, intrinsic = 6, seed = 2): { x: Float32Array; labels: Int32Array } {
  let s = seed >>> 0;
  const u = () => { s = (s + 0x6d2b79f5) >>> 0; let t = s; t = Math.imul(t ^ (t >>> 15), t | 1); t ^= t + Math.imul(t ^ (t >>> 7), t | 61); return ((t ^ (t >>> 14)) >>> 0) / 4294967296; };
  const g = () => Math.sqrt(-2 * Math.log(Math.max(u(), 1e-12))) * Math.cos(2 * Math.PI * u());
  const centres = Array.from({ length: clusters }, () => Float32Array.from({ length: d }, () => 4 * g()));
  const bases = Array.from({ length: clusters }, () => Float32Array.from({ length: intrinsic * d }, () => g() / Math.sqrt(intrinsic)));
  const x = new Float32Array(n * d);
  const labels = new Int32Array(n);
  const z = new Float32Array(intrinsic);
  for (let i = 0; i < n; i++) {
    const c = i % clusters;
    labels[i] = c;
    for (let j = 0; j < intrinsic; j++) z[j] = g();
    const row = x.subarray(i * d, (i + 1) * d);
    row.set(centres[c]);
    for (let j = 0; j < intrinsic; j++) for (let q = 0; q < d; q++) row[q] += z[j] * bases[c][j * d + q];
    for (let q = 0; q < d; q++) row[q] += 0.05 * g();
  }
  return { x, labels };
}

/** A seeded sample of `m` distinct rows of n. */
function sample(n: number, m: number, seed: number): Uint32Array {
  let s = seed;
  const rand = () => { s = (Math.imul(s, 1664525) + 1013904223) >>> 0; return s / 4294967296; };
  const chosen = new Set<number>();
  while (chosen.size < Math.min(m, n)) chosen.add(Math.floor(rand() * n));
  return Uint32Array.from([...chosen].sort((a, b) => a - b));
}

interface CliRun { summary: Record<string, any>; events: Array<Record<string, any>>; seconds: number }

/** Runs the CLI with --json; its summary, its progress events and its wall time. */
function runCli(argv: string[]): Promise<CliRun> {
  return new Promise((done, fail) => {
    const t0 = performance.now();
    const p = spawn(process.execPath, [cli, ...argv, '--json', '--force', '--adapter', adapter], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    p.stdout.on('data', (b) => { out += b; });
    p.stderr.on('data', (b) => { err += b; });
    p.on('close', (code) => {
      const seconds = (performance.now() - t0) / 1000;
      if (code !== 0) { fail(new Error(`latentgpu ${argv.join(' ')} exited ${code}: ${out}${err.slice(-2000)}`)); return; }
      const events = err.split('\n').filter((l) => l.startsWith('{')).map((l) => JSON.parse(l));
      done({ summary: JSON.parse(out.trim().split('\n').pop()!), events, seconds });
    });
  });
}

const PYNN = `
import sys, time, json, numpy as np
from pynndescent import NNDescent
x = np.load(sys.argv[1]); k = int(sys.argv[2])
NNDescent(x[:2000], n_neighbors=min(k + 1, 1999), random_state=1, n_jobs=2).neighbor_graph  # compile numba first
t = time.perf_counter()
idx, _ = NNDescent(x, n_neighbors=k + 1, random_state=1, n_jobs=2).neighbor_graph
sec = time.perf_counter() - t
out = np.empty((len(x), k), dtype=np.int32)
for i in range(len(x)):
    row = idx[i][idx[i] != i]
    out[i] = row[:k]
np.save(sys.argv[3], out)
print(json.dumps({"seconds": sec}))
`;

/** Fraction of the exact neighbours of the sampled rows that `graph` lists. */
function recall(graph: { indices: Int32Array; k: number }, exact: Uint32Array, rows: Uint32Array, k: number): number {
  let hit = 0;
  for (let q = 0; q < rows.length; q++) {
    const mine = new Set(graph.indices.subarray(rows[q] * graph.k, rows[q] * graph.k + k));
    for (let t = 0; t < k; t++) if (mine.has(exact[q * (k + 1) + t])) hit++;
  }
  return hit / (rows.length * k);
}

/** 10-NN vote accuracy of sampled rows of an embedding against labels (brute force on the host). */
function knnAccuracy(emb: Float32Array, dims: number, labels: Int32Array, rows: Uint32Array, k = 10): number {
  const n = labels.length;
  let right = 0;
  const bestD = new Float64Array(k);
  const bestI = new Int32Array(k);
  for (const q of rows) {
    bestD.fill(Infinity);
    for (let j = 0; j < n; j++) {
      if (j === q) continue;
      let s = 0;
      for (let c = 0; c < dims; c++) { const t = emb[q * dims + c] - emb[j * dims + c]; s += t * t; }
      if (s >= bestD[k - 1]) continue;
      let p = k - 1;
      while (p > 0 && bestD[p - 1] > s) { bestD[p] = bestD[p - 1]; bestI[p] = bestI[p - 1]; p--; }
      bestD[p] = s; bestI[p] = j;
    }
    const votes = new Map<number, number>();
    for (const j of bestI) votes.set(labels[j], (votes.get(labels[j]) ?? 0) + 1);
    const top = [...votes.entries()].sort((a, b) => b[1] - a[1])[0][0];
    if (top === labels[q]) right++;
  }
  return right / rows.length;
}

/** Seconds per iteration between the first and last t-SNE progress events. */
function perIteration(events: Array<Record<string, any>>): number | undefined {
  const p = events.filter((e) => e.event === 'progress' && e.stage === 'tsne');
  if (p.length < 2) return undefined;
  const [a, b] = [p[0], p[p.length - 1]];
  return (b.elapsed_s - a.elapsed_s) / (b.value - a.value);
}

const resultPath = join('bench', 'results', 'scale.json');
const previous = existsSync(resultPath) ? JSON.parse(readFileSync(resultPath, 'utf8')) : { rows: [] };
const rows: Array<Record<string, unknown>> = previous.rows;
const keyOf = (r: Record<string, unknown>) => `${r.n}|${r.row}|${r.k ?? ''}|${r.dims ?? ''}`;
function record(r: Record<string, unknown>): void {
  const at = rows.findIndex((o) => keyOf(o) === keyOf(r));
  if (at >= 0) rows[at] = r; else rows.push(r);
  rows.sort((a, b) => Number(a.n) - Number(b.n) || keyOf(a).localeCompare(keyOf(b)));
  save();
  console.log(JSON.stringify(r));
}
function save(): void {
  mkdirSync(join('bench', 'results'), { recursive: true });
  const tsneRows = rows.filter((r) => r.row === 'tsne' && r.dims === 2 && typeof r.seconds_per_iteration === 'number');
  const small = tsneRows[0];
  const big = tsneRows[tsneRows.length - 1];
  const exponent = small && big && big.n !== small.n
    ? Math.log(Number(big.seconds_per_iteration) / Number(small.seconds_per_iteration)) / Math.log(Number(big.n) / Number(small.n)) : undefined;
  writeFileSync(resultPath, JSON.stringify({
    benchmark: 'scale', machine: machine(), adapter, iterations,
    notes: 'Mixtures of 20 clusters on 6-d subspaces in 50-d. knn rows: our CLI (--knn approx) and PyNNDescent (n_jobs=2, numba compiled ' +
      'before timing) on the same file; recall on 1,000 sampled rows against the exact graph. tsne rows: from the knn row\'s graph ' +
      '(--graph), so end-to-end = knn seconds + tsne total. peak_rss / gpu bytes from the CLI\'s JSON summary (on a software adapter ' +
      'GPU buffers are host memory and part of the RSS).',
    tsne_2d_time_per_iteration_exponent: exponent, rows,
  }, null, 2) + '\n');
}

const engine = await createEngine({ adapter: parseAdapterChoice(adapter), onWarning: () => {} });
for (const n of sizes) {
  const file = join(work, `mix-${n}.npy`);
  const labelsFile = join(work, `mix-${n}-labels.npy`);
  const mix = mixture(n);
  if (!existsSync(file)) {
    writeFileSync(file, encodeNpy(mix.x, [n, 50]));
    writeFileSync(labelsFile, encodeNpy(mix.labels, [n]));
  }
  // The exact neighbours of the sampled rows (the row itself comes first, at distance 0).
  const rowsSample = sample(n, SAMPLE, 7);
  const kMax = Math.max(kMain, ...kExtra);
  const xt = engine.tensor(mix.x, [n, 50]);
  const qt = engine.tensor(Float32Array.from(rowsSample.reduce<number[]>((a, r) => { a.push(...mix.x.subarray(r * 50, r * 50 + 50)); return a; }, [])), [SAMPLE, 50]);
  const g = await knnQuery(engine, xt, qt, kMax + 1);
  const exactAll = await g.indices.read() as Uint32Array;
  g.indices.dispose(); g.distances.dispose(); xt.dispose(); qt.dispose();
  const exactFor = (k: number) => {
    const out = new Uint32Array(SAMPLE * (k + 1));
    for (let q = 0; q < SAMPLE; q++) {
      const row = Array.from(exactAll.subarray(q * (kMax + 1), (q + 1) * (kMax + 1))).filter((j) => j !== rowsSample[q]).slice(0, k);
      out.set([...row, 0], q * (k + 1));
    }
    return out;
  };

  for (const k of [kMain, ...kExtra]) {
    const graphFile = join(work, `graph-${n}-k${k}.npy`);
    const ours = await runCli(['knn', file, '--k', String(k), '--knn', 'approx', '-o', graphFile, '-q', '--profile']);
    const ourRecall = recall(readGraphFile(graphFile), exactFor(k), rowsSample, k);
    const row: Record<string, unknown> = {
      n, row: 'knn', k, seconds: ours.summary.stages.knn, recall: ourRecall,
      peak_rss_mb: Math.round(ours.summary.memory.peak_rss_bytes / 2 ** 20), rss_bytes_per_point: ours.summary.memory.rss_bytes_per_point,
      predicted_h200_ms: ours.summary.profile?.total_predicted_ms?.H200,
    };
    if (peer) {
      const peerOut = join(work, `pynn-${n}-k${k}.npy`);
      const script = join(work, 'pynn.py');
      writeFileSync(script, PYNN);
      const r = spawnSync('/usr/bin/python3', [script, file, String(k), peerOut], { encoding: 'utf8', maxBuffer: 1 << 24 });
      if (r.status === 0) {
        const peerSeconds = JSON.parse(r.stdout.trim().split('\n').pop()!).seconds;
        const p = readNpyMatrix(peerOut);
        const peerGraph = { indices: Int32Array.from(p.data), k };
        Object.assign(row, { peer: 'PyNNDescent', peer_seconds: peerSeconds, peer_recall: recall(peerGraph, exactFor(k), rowsSample, k), ratio: Number(row.seconds) / peerSeconds });
        rmSync(peerOut, { force: true });
      } else {
        Object.assign(row, { peer: 'PyNNDescent', peer_error: (r.stderr || r.error?.message || '').slice(-300) });
      }
    }
    record(row);
  }

  if (!tsne) continue;
  const graphFile = join(work, `graph-${n}-k${kMain}.npy`);
  const accRows = sample(n, ACC_SAMPLE, 11);
  for (const dims of dimsList) {
    const out = join(work, `tsne-${n}-${dims}d.npy`);
    const profile = dims === 3 ? ['--profile', join(work, `profile-${n}-3d.json`)] : [];
    const r = await runCli(['tsne', file, '--graph', graphFile, '--perplexity', String(kMain / 3), '--dims', String(dims),
      '--iterations', String(iterations), '--no-metrics', '-o', out, ...profile]);
    const emb = readNpyMatrix(out);
    const knnRow = rows.find((o) => o.n === n && o.row === 'knn' && o.k === kMain);
    record({
      n, row: 'tsne', k: kMain, dims, iterations, stages: r.summary.stages, total_s: r.summary.total_s,
      end_to_end_s: Number(knnRow?.seconds ?? 0) + Number(r.summary.total_s),
      seconds_per_iteration: perIteration(r.events), knn_accuracy_10: knnAccuracy(emb.data, dims, mix.labels, accRows),
      peak_rss_mb: Math.round(r.summary.memory.peak_rss_bytes / 2 ** 20), rss_bytes_per_point: r.summary.memory.rss_bytes_per_point,
      gpu_bytes_per_point: r.summary.memory.gpu_bytes_per_point,
      predicted_h200_ms: r.summary.profile?.total_predicted_ms?.H200,
    });
    rmSync(out, { force: true });
  }
}
console.log(table(rows.map((r) => ({
  n: r.n, row: r.row, k: r.k, dims: r.dims ?? '', seconds: r.seconds ?? r.total_s, recall: r.recall ?? '', peer_s: r.peer_seconds ?? '',
  peer_recall: r.peer_recall ?? '', 's/iter': r.seconds_per_iteration ?? '', acc10: r.knn_accuracy_10 ?? '', rss_mb: r.peak_rss_mb,
}))));
engine.dispose();
