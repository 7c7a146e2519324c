// The GPU benchmark suite, bundled by bench/gpu/prepare.sh and run by bench/gpu/run.sh on a machine
// with a GPU (it also runs here on a software adapter with --small). Sections, each written as JSON
// to --out: tune (the tuner's table), matmul (GFLOP/s per variant, up to 4096²), pipeline (PCA → exact
// kNN → t-SNE at 10k Fashion-MNIST and 70k synthetic, with the profiler), scale (1M × 50 → 3D).
import { mkdirSync, writeFileSync, existsSync, readFileSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';
import { join } from 'node:path';
import {
  createEngine, disposeKnnGraph, knnAccuracy, knnGraph, matmul, parseAdapterChoice, parseIdx, PCA, TSNE, type Engine, type Tensor,
} from '../../src/index.js';
import { timeRuns, Tuner } from '../../src/engine/tuner.js';
import { TUNED_OPS } from '../../src/ops/tuned.js';
import { formatProfile } from '../../src/engine/profiler.js';

const argv = process.argv.slice(2);
const arg = (name: string, dflt?: string) => { const i = argv.indexOf(`--${name}`); return i >= 0 ? argv[i + 1] : dflt; };
const small = argv.includes('--small');
const out = arg('out', 'bench/results/gpu')!;
const fmDir = arg('fm', '/usr/share/datasets/fashion-mnist')!;
const sections = (arg('sections', 'tune,matmul,pipeline,scale')!).split(',');
mkdirSync(out, { recursive: true });

function save(name: string, data: unknown): void {
  writeFileSync(join(out, `${name}.json`), JSON.stringify(data, null, 1) + '\n');
  console.log(`wrote ${join(out, `${name}.json`)}`);
}

/** A labelled mixture of `k` Gaussian clusters on low-dimensional subspaces (as real embeddings are), in `d` dims. */
function mixture(n: number, d: number, k: number, intrinsic: number, seed: number): { x: Float32Array; labels: Int32Array } {
  let s = seed >>> 0;
  const u = () => { s = (s + 0x6d2b79f5) >>> 0; let t = s; t = Math.imul(t ^ (t >>> 15), t | 1); t ^= t + Math.imul(t ^ (t >>> 7), t | 61); return ((t ^ (t >>> 14)) >>> 0) / 4294967296; };
  const g = () => Math.sqrt(-2 * Math.log(Math.max(u(), 1e-12))) * Math.cos(2 * Math.PI * u());
  const centres = Array.from({ length: k }, () => Float32Array.from({ length: d }, () => 4 * g()));
  const bases = Array.from({ length: k }, () => Float32Array.from({ length: intrinsic * d }, () => g() / Math.sqrt(intrinsic)));
  const x = new Float32Array(n * d);
  const labels = new Int32Array(n);
  const z = new Float32Array(intrinsic);
  for (let i = 0; i < n; i++) {
    const c = i % k;
    labels[i] = c;
    for (let j = 0; j < intrinsic; j++) z[j] = g();
    const row = x.subarray(i * d, (i + 1) * d);
    row.set(centres[c]);
    const B = bases[c];
    for (let j = 0; j < intrinsic; j++) for (let q = 0; q < d; q++) row[q] += z[j] * B[j * d + q];
    for (let q = 0; q < d; q++) row[q] += 0.05 * g();
  }
  return { x, labels };
}

function fashionTest(): { x: Float32Array; labels: Int32Array; n: number; d: number } | undefined {
  const img = join(fmDir, 't10k-images-idx3-ubyte.gz');
  const lab = join(fmDir, 't10k-labels-idx1-ubyte.gz');
  if (!existsSync(img) || !existsSync(lab)) return undefined;
  const images = parseIdx(gunzipSync(readFileSync(img)));
  const labels = parseIdx(gunzipSync(readFileSync(lab)));
  const n = images.shape[0];
  const d = images.shape[1] * images.shape[2];
  const x = Float32Array.from(images.data as Uint8Array, (v) => v / 255);
  return { x, labels: Int32Array.from(labels.data as Uint8Array), n, d };
}

async function seconds<T>(engine: Engine, fn: () => Promise<T> | T): Promise<[T, number]> {
  await engine.sync();
  const t0 = performance.now();
  const r = await fn();
  await engine.sync();
  return [r, (performance.now() - t0) / 1e3];
}

async function tuneSection(engine: Engine): Promise<void> {
  const tuner = new Tuner(engine, { enabled: true });
  const t0 = performance.now();
  for (const op of TUNED_OPS) for (const { shape } of op.shapes) await tuner.tune(op.family, shape);
  save('tune', { adapter: engine.description, seconds: (performance.now() - t0) / 1e3, rows: tuner.rows });
}

async function matmulSection(engine: Engine): Promise<void> {
  const sizes = small ? [256, 512] : [1024, 2048, 4096];
  const fam = TUNED_OPS.find((t) => t.family.name === 'matmul')?.family;
  const rows: Record<string, unknown>[] = [];
  for (const n of sizes) {
    const a = engine.tensor(Float32Array.from({ length: n * n }, (_, i) => ((i * 7919) % 1000) / 1000 - 0.5), [n, n]);
    const b = engine.tensor(Float32Array.from({ length: n * n }, (_, i) => ((i * 104729) % 1000) / 1000 - 0.5), [n, n]);
    const c = engine.empty([n, n]);
    const shape = { M: n, N: n, K: n, batch: 1, transA: false, transB: false };
    const variants = fam ? fam.variants.filter((v) => v.applies(engine.traits, shape)).map((v) => v.name) : ['default'];
    for (const v of variants) {
      try {
        if (fam) engine.tuner.force('matmul', v);
        matmul(engine, a, b, { out: c });
        const reps = Math.max(3, Math.min(50, Math.round(2e11 / (2 * n ** 3))));
        const ms = await timeRuns(engine, () => matmul(engine, a, b, { out: c }), reps);
        rows.push({ n, variant: v, ms, gflops: (2 * n ** 3) / ms / 1e6 });
      } catch (e) {
        rows.push({ n, variant: v, error: (e as Error).message.split('\n')[0] });
      }
      console.log(JSON.stringify(rows[rows.length - 1]));
    }
    if (fam) engine.tuner.force('matmul', undefined);
    for (const t of [a, b, c]) t.dispose();
  }
  save('matmul', { adapter: engine.description, rows });
}

async function embed(engine: Engine, name: string, x: Float32Array, labels: Int32Array, n: number, d: number, dims: 2 | 3,
  iterations: number, profile: boolean): Promise<Record<string, unknown>> {
  const prof = profile ? engine.profile() : undefined;
  const stages: Record<string, number> = {};
  const xt = engine.tensor(x, [n, d]);
  let z: Tensor = xt;
  if (d > 50) {
    prof?.stage('pca');
    const [pca, s] = await seconds(engine, () => PCA.fit(engine, xt, { components: 50 }));
    stages.pca = s;
    z = pca.transform(xt);
    await engine.sync();
  }
  prof?.stage('knn');
  const [graph, sk] = await seconds(engine, () => knnGraph(engine, z, 90, { method: n > 100_000 ? 'approx' : 'exact' }));
  stages.knn = sk;
  prof?.stage('tsne');
  const [emb, st] = await seconds(engine, () => new TSNE(engine, { dims, perplexity: 30, iterations, seed: 1, knn: graph }).fit(z));
  stages.tsne = st;
  disposeKnnGraph(graph);
  const report = prof ? await prof.stop() : undefined;
  if (report) console.log(formatProfile(report));
  const acc = n <= 100_000 ? await knnAccuracy(engine, emb, labels, 10) : undefined;
  for (const t of new Set([xt, z, emb])) t.dispose();
  const row = { data: name, n, d, dims, iterations, stages, total_s: Object.values(stages).reduce((a, b) => a + b, 0), knn10_accuracy: acc,
    profile: report && { total_predicted_ms: report.total, stages: report.stages, rows: report.rows } };
  console.log(JSON.stringify({ ...row, profile: undefined }));
  return row;
}

async function pipelineSection(engine: Engine): Promise<void> {
  const rows: Record<string, unknown>[] = [];
  const fm = fashionTest();
  if (fm) {
    const n = small ? 2000 : fm.n;
    rows.push(await embed(engine, 'fashion-mnist test', fm.x.subarray(0, n * fm.d), fm.labels.subarray(0, n), n, fm.d, 2, small ? 250 : 1000, false));
  }
  const n = small ? 3000 : 70_000;
  const mix = mixture(n, 784, 10, 8, 1);
  rows.push(await embed(engine, 'mixture 784-d', mix.x, mix.labels, n, 784, 2, small ? 250 : 1000, false));
  rows.push(await embed(engine, 'mixture 784-d (profiled)', mix.x, mix.labels, n, 784, 2, small ? 100 : 300, true));
  save('pipeline', { adapter: engine.description, rows });
}

async function scaleSection(engine: Engine): Promise<void> {
  const rows: Record<string, unknown>[] = [];
  for (const n of small ? [5000] : [250_000, 1_000_000]) {
    const mix = mixture(n, 50, 20, 6, 2);
    try {
      rows.push(await embed(engine, 'mixture 50-d', mix.x, mix.labels, n, 50, 3, small ? 100 : 500, false));
    } catch (e) {
      rows.push({ n, error: (e as Error).message.split('\n')[0] });
      console.log(JSON.stringify(rows[rows.length - 1]));
    }
  }
  save('scale', { adapter: engine.description, rows });
}

const engine = await createEngine({ adapter: parseAdapterChoice(process.env.LATENTGPU_ADAPTER ?? 'auto'), onWarning: (m) => console.log(m) });
save('adapter', { description: engine.description, kind: engine.kind, traits: engine.traits, features: [...engine.device.features].sort(),
  limits: Object.fromEntries(['maxStorageBufferBindingSize', 'maxBufferSize', 'maxComputeWorkgroupStorageSize', 'maxComputeInvocationsPerWorkgroup']
    .map((k) => [k, (engine.limits as unknown as Record<string, number>)[k]])) });
const run: Record<string, (e: Engine) => Promise<void>> = { tune: tuneSection, matmul: matmulSection, pipeline: pipelineSection, scale: scaleSection };
for (const s of sections) {
  const t0 = performance.now();
  try {
    await run[s](engine);
  } catch (e) {
    console.log(`section ${s} failed: ${(e as Error).stack}`);
  }
  console.log(`section ${s}: ${((performance.now() - t0) / 1e3).toFixed(1)} s`);
}
engine.dispose();
process.exit(0);
