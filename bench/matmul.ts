// `npm run bench -- matmul [--adapter llvmpipe] [--quick] [--variants] [--no-peer] [--shapes 1024²,...]`:
// GFLOP/s of latentgpu's matmul against TensorFlow.js on WebAssembly (SIMD) on the same shapes, with
// the max relative error of both against float64 on sampled entries. Each shape is first tuned
// (`engine.tuner.tune(matmulFamily, …)`) and the row names the variant picked; `--variants` also
// times every variant that applies, forced. Writes bench/results/matmul.json.
import { createEngine, matmul, matmulFamily, matmulShape, MATMUL_VARIANTS, parseAdapterChoice, type Engine } from '../src/index.js';
import os from 'node:os';
import { machine, parseArgs, table, tfjsWasm, timeIt, writeResult } from './lib/common.js';

interface Shape { name: string; M: number; N: number; K: number; transA?: boolean; transB?: boolean }

const args = parseArgs();
const quick = args.quick === 'true';
const ALL_SHAPES: Shape[] = [
  { name: '256²', M: 256, N: 256, K: 256 },
  { name: '512²', M: 512, N: 512, K: 512 },
  { name: '1024²', M: 1024, N: 1024, K: 1024 },
  ...(quick ? [] : [{ name: '2048²', M: 2048, N: 2048, K: 2048 }]),
  { name: '10000×784 · 784×64 (project)', M: 10_000, N: 64, K: 784 },
  { name: '256×784 · 784×256 (AE layer)', M: 256, N: 256, K: 784 },
  { name: '784×256ᵀ · 256×256 (AE weight grad)', M: 784, N: 256, K: 256, transA: true },
  { name: '256×256 · 784×256ᵀ (AE input grad)', M: 256, N: 784, K: 256, transB: true },
  { name: '4096×50 · 50×4096ᵀ (distances)', M: 4096, N: 4096, K: 50, transB: true },
  ...(args.big === 'true' ? [{ name: '4096²', M: 4096, N: 4096, K: 4096 }] : []),
];
const picked = args.shapes?.split(',');
const SHAPES = picked ? ALL_SHAPES.filter((s) => picked.includes(s.name.split(' ')[0])) : ALL_SHAPES;

function data(n: number, seed: number): Float32Array {
  let s = seed;
  return Float32Array.from({ length: n }, () => { s = (s * 1664525 + 1013904223) >>> 0; return s / 2 ** 32 - 0.5; });
}

function maxRelErr(c: Float32Array, a: Float32Array, b: Float32Array, sh: Shape): number {
  let worst = 0;
  for (let t = 0; t < 64; t++) {
    const i = (t * 7919) % sh.M;
    const j = (t * 104_729) % sh.N;
    let s = 0;
    let scale = 0;
    for (let k = 0; k < sh.K; k++) {
      const av = sh.transA ? a[k * sh.M + i] : a[i * sh.K + k];
      const bv = sh.transB ? b[j * sh.K + k] : b[k * sh.N + j];
      s += av * bv;
      scale += Math.abs(av * bv);
    }
    worst = Math.max(worst, Math.abs(c[i * sh.N + j] - s) / scale);
  }
  return worst;
}

async function ours(engine: Engine, sh: Shape, a: Float32Array, b: Float32Array, variant?: string) {
  engine.tuner.force('matmul', variant);
  const ta = engine.tensor(a, sh.transA ? [sh.K, sh.M] : [sh.M, sh.K]);
  const tb = engine.tensor(b, sh.transB ? [sh.N, sh.K] : [sh.K, sh.N]);
  const out = engine.empty([sh.M, sh.N]);
  const reps = 4;
  const seconds = await timeIt(async () => {
    for (let r = 0; r < reps; r++) matmul(engine, ta, tb, { transA: sh.transA, transB: sh.transB, out });
    await engine.sync();
  }) / reps;
  const c = (await out.read()) as Float32Array;
  ta.dispose(); tb.dispose(); out.dispose();
  engine.tuner.force('matmul', undefined);
  return { seconds, err: maxRelErr(c, a, b, sh) };
}

async function peer(tf: Awaited<ReturnType<typeof tfjsWasm>>, sh: Shape, a: Float32Array, b: Float32Array) {
  const ta = tf.tensor2d(a, sh.transA ? [sh.K, sh.M] : [sh.M, sh.K]);
  const tb = tf.tensor2d(b, sh.transB ? [sh.N, sh.K] : [sh.K, sh.N]);
  let c: Float32Array = new Float32Array();
  const seconds = await timeIt(() => {
    const r = tf.matMul(ta, tb, sh.transA, sh.transB);
    c = r.dataSync() as Float32Array;
    r.dispose();
  });
  ta.dispose(); tb.dispose();
  return { seconds, err: maxRelErr(c, a, b, sh) };
}

// Measure afresh (remeasure): the bench reports what tuning picks now.
const engine = await createEngine({ adapter: args.adapter ? parseAdapterChoice(args.adapter) : undefined, onWarning: () => {},
  tuning: { enabled: true, remeasure: true } });
const tf = args['no-peer'] === 'true' ? undefined : await tfjsWasm();
const rows = [];
const perVariant: Array<{ shape: string; variant: string; gflops: number; max_rel_err: number }> = [];
for (const sh of SHAPES) {
  const a = data(sh.M * sh.K, 1);
  const b = data(sh.K * sh.N, 2);
  const flop = 2 * sh.M * sh.N * sh.K;
  const t0 = performance.now();
  const variant = await engine.tuner.tune(matmulFamily, matmulShape(sh));
  const tuneSeconds = (performance.now() - t0) / 1000;
  const mine = await ours(engine, sh, a, b);
  const theirs = tf ? await peer(tf, sh, a, b) : undefined;
  const row = {
    shape: sh.name, variant, gflops: flop / mine.seconds / 1e9, peer: tf ? 'tfjs-wasm' : 'none',
    peer_gflops: theirs ? flop / theirs.seconds / 1e9 : NaN,
    ratio: theirs ? theirs.seconds / mine.seconds : NaN, max_rel_err: mine.err, peer_max_rel_err: theirs?.err ?? NaN,
    tune_s: tuneSeconds,
  };
  rows.push(row);
  console.error(`${sh.name}: ${variant} ${row.gflops.toFixed(2)} vs ${row.peer_gflops.toFixed(2)} GFLOP/s (tuned in ${tuneSeconds.toFixed(1)} s)`);
  if (args.variants !== 'true') continue;
  for (const v of MATMUL_VARIANTS) {
    if (!v.applies(engine.traits, matmulShape(sh))) continue;
    const r = await ours(engine, sh, a, b, v.name);
    perVariant.push({ shape: sh.name, variant: v.name, gflops: flop / r.seconds / 1e9, max_rel_err: r.err });
    console.error(`  ${v.name}: ${(flop / r.seconds / 1e9).toFixed(2)} GFLOP/s`);
  }
}
const tuning = engine.tuner.rows.map((r) => ({ shape_class: r.shapeClass, variant: r.variant, ms: r.ms, chosen: r.chosen, rejected: r.rejected }));
const result = {
  benchmark: 'matmul', adapter: engine.kind, description: engine.description, machine: machine(),
  // Other work on the machine slows both sides, not always alike: the 1-minute load at the end.
  load_average: os.loadavg()[0], rows,
  ...(perVariant.length ? { variants: perVariant } : {}), tuning,
};
console.log(table(rows));
if (perVariant.length) console.log(table(perVariant));
console.log(`wrote ${writeResult(args.out ?? 'matmul', result)}`);
engine.dispose();
