import type { Engine } from '../engine/engine.js';
import type { BufferSlice, Tensor } from '../engine/tensor.js';
import { log2Class, type Variant, type VariantFamily, type VariantTrial } from '../engine/tuner.js';
import type { AdapterTraits } from '../gpu/traits.js';
import { encodeMatmulGeneral, GENERAL_ROWS, type MatmulCall } from '../kernels/matmul.js';
import { encodeMatmulTiled, tileBytes, tileRows, tiledVec4Applies, type MatmulTile } from '../kernels/matmul_tiled.js';
import { encodeMatmulRowsWide, ROWS_WIDE_COLUMNS, ROWS_WIDE_ROWS, rowsWideApplies } from '../kernels/matmul_rows_wide.js';
import { encodeMatmulVec4, VEC4_ROWS, vec4Applies } from '../kernels/matmul_vec4.js';
import { seededRandom } from './random.js';

type Encoder = (engine: Engine, call: MatmulCall, a: BufferSlice, b: BufferSlice, bias: BufferSlice, c: BufferSlice) => void;

/** One matmul variant: a kernel with its parameters fixed, and what the host needs to split its work. */
export interface MatmulVariant extends Variant<MatmulCall> {
  /** Rows of C per workgroup along y, for folding M past maxComputeWorkgroupsPerDimension. */
  readonly rowsPerWorkgroup: number;
  /** Most K one dispatch may cover under a loop budget (llvmpipe), a multiple of 64. */
  kLimit(loopBudget: number): number;
  /** Whether long K is split for cache reuse where the adapter wants it (the row kernels on llvmpipe). */
  readonly cacheSplits: boolean;
  readonly encode: Encoder;
}

/**
 * K per dispatch of the row kernels under a loop budget: they loop over K (or K/4) with an inner
 * loop over their rows, at most 1 + rows/4 iterations per element of K (A transposed); a fifth of
 * the budget is left for the rest (8,704 for 8 rows on llvmpipe).
 */
const rowsKLimit = (rows: number) => (budget: number): number =>
  Math.max(64, Math.floor(budget / 1.25 / (1 + rows / 4) / 64) * 64);

const rowsVec4: MatmulVariant = {
  name: 'rows-vec4',
  applies: (_t, s) => vec4Applies(s),
  rowsPerWorkgroup: VEC4_ROWS,
  kLimit: rowsKLimit(VEC4_ROWS),
  cacheSplits: true,
  encode: encodeMatmulVec4,
};

const rowsWide: MatmulVariant = {
  name: 'rows-wide',
  applies: (_t, s) => rowsWideApplies(s),
  rowsPerWorkgroup: ROWS_WIDE_ROWS,
  // Per 4 of K: the outer loop, the B loads' nest (4 + 4·CW) and the rows' nest (TM·(1 + CW)).
  kLimit: (budget) => {
    const perK = (1 + 4 + 4 * ROWS_WIDE_COLUMNS + ROWS_WIDE_ROWS * (1 + ROWS_WIDE_COLUMNS)) / 4;
    return Math.max(64, Math.floor(budget / 1.25 / perK / 64) * 64);
  },
  cacheSplits: true,
  encode: encodeMatmulRowsWide,
};

const general: MatmulVariant = {
  name: 'general',
  applies: () => true,
  rowsPerWorkgroup: GENERAL_ROWS,
  kLimit: rowsKLimit(GENERAL_ROWS),
  cacheSplits: true,
  encode: encodeMatmulGeneral,
};

function tiled(tile: MatmulTile): MatmulVariant {
  const lanes = tile.TX * tile.TY;
  const rm4 = tile.RM / 4;
  const rn4 = tile.RN / 4;
  // Loop iterations per element of K: the tile copies (≤ 5 per vec4 unit a lane copies) spread over
  // BK, and the inner loop's nest.
  const copies = 5 * (Math.ceil((tileRows(tile) * tile.BK) / 4 / lanes) + Math.ceil((tile.TX * tile.RN * tile.BK) / 4 / lanes));
  const perK = (2 + copies) / tile.BK + 1 + rm4 + rn4 + tile.RM * (1 + rn4);
  return {
    name: `tiled-${tileRows(tile)}x${tile.TX * tile.RN}-r${tile.RM}x${tile.RN}`,
    applies: (t: AdapterTraits) => lanes <= t.maxInvocations && tileBytes(tile) <= t.workgroupStorage,
    rowsPerWorkgroup: tileRows(tile),
    kLimit: (budget) => Math.max(64, Math.floor((0.8 * budget) / perK / 64) * 64),
    cacheSplits: false,
    encode: (engine, call, a, b, bias, c) => encodeMatmulTiled(engine, tile, call, a, b, bias, c),
  };
}

/** The variants, today's CPU-rasteriser shapes first, then the workgroup-memory tiles for GPUs. */
export const MATMUL_VARIANTS: readonly MatmulVariant[] = [
  rowsVec4,
  rowsWide,
  general,
  tiled({ TX: 8, TY: 8, RM: 4, RN: 4, BK: 16 }),
  tiled({ TX: 16, TY: 16, RM: 4, RN: 4, BK: 16 }),
  tiled({ TX: 16, TY: 16, RM: 8, RN: 4, BK: 16 }),
  tiled({ TX: 16, TY: 16, RM: 8, RN: 8, BK: 8 }),
];

export function matmulVariant(name: string): MatmulVariant {
  const v = MATMUL_VARIANTS.find((x) => x.name === name);
  if (!v) throw new RangeError(`matmul: no variant "${name}".`);
  return v;
}

/** The shape a plain `matmul(a, b, { transA, transB })` of these sizes records, for `tuner.tune`. */
export function matmulShape(s: {
  M: number; N: number; K: number; transA?: boolean; transB?: boolean; batchA?: number; batchB?: number;
}): MatmulCall {
  const { M, N, K, batchA = 1, batchB = 1 } = s;
  return {
    M, N, K, batch: Math.max(batchA, batchB),
    aRowStride: s.transA ? 1 : K, aColStride: s.transA ? M : 1, aBatchStride: batchA === 1 ? 0 : M * K,
    bRowStride: s.transB ? 1 : N, bColStride: s.transB ? K : 1, bBatchStride: batchB === 1 ? 0 : K * N,
    cBatchStride: M * N, act: 0, slope: 0.01, alpha: 1, beta: 0, hasBias: false,
  };
}

/** Whether transposes are read from strides (the op builds calls from tensors, so these hold). */
const isTransA = (s: MatmulCall): boolean => s.aColStride !== 1;
const isTransB = (s: MatmulCall): boolean => s.bColStride !== 1;

/** Keeps `n`'s remainder mod 4 (which decides the vec4 forms) while capping it near `cap`. */
function capMod4(n: number, cap: number): number {
  return n <= cap ? n : cap - (cap % 4) + (n % 4);
}

/**
 * Batched matmul: the row kernels shaped for CPU rasterisers (`rows-wide`, `rows-vec4`, `general`)
 * and the workgroup-memory tiles for GPUs (`tiled-BMxBN-rRMxRN`). Untuned, software adapters take
 * the row kernels and hardware ones the 64×64 tile; `tune` measures them all on the adapter.
 */
export const matmulFamily: VariantFamily<MatmulCall> = {
  name: 'matmul',
  variants: MATMUL_VARIANTS,
  shapeClass: (s) => {
    const layout = `${isTransA(s) ? 't' : 'n'}${isTransB(s) ? 't' : 'n'}`;
    const align = (vec4Applies(s) ? 1 : 0) + (tiledVec4Applies(s) ? 2 : 0);
    return `${layout} M:${log2Class(s.M)} N:${log2Class(s.N)} K:${log2Class(s.K)} b:${log2Class(s.batch)} v:${align}`;
  },
  fallback: (traits, s) => {
    if (traits.cheapBarriers) return 'tiled-64x64-r4x4';
    return rowsWideApplies(s) ? 'rows-wide' : vec4Applies(s) ? 'rows-vec4' : 'general';
  },
  trial: (engine, s) => matmulTrial(engine, s),
};

/**
 * Random inputs of the shape's class, scaled down (keeping the transposes and each size's remainder
 * mod 4) so that one run is at most 2^24 FLOPs on a software adapter (a few ms for the fastest
 * variant, some 40 ms for the slowest) and 2^31 on a GPU.
 */
function matmulTrial(engine: Engine, s: MatmulCall): VariantTrial {
  const budget = engine.traits.isSoftware ? 2 ** 24 : 2 ** 31;
  const batch = Math.min(s.batch, 4);
  const K = capMod4(s.K, 2048);
  let M = s.M;
  let N = s.N;
  while (2 * batch * M * N * K > budget && (M > 8 || N > 8)) {
    if (M >= N) M = capMod4(M, Math.ceil(M / 2));
    else N = capMod4(N, Math.ceil(N / 2));
  }
  const transA = isTransA(s);
  const transB = isTransB(s);
  const aBatch = s.aBatchStride === 0 ? 1 : batch;
  const bBatch = s.bBatchStride === 0 ? 1 : batch;
  const random = seededRandom(M * 31 + N * 7 + K);
  const fill = (n: number) => Float32Array.from({ length: n }, () => random() * 2 - 1);
  const a = engine.tensor(fill(aBatch * M * K), [aBatch, ...(transA ? [K, M] : [M, K])], { label: 'matmul.trial.a' });
  const b = engine.tensor(fill(bBatch * K * N), [bBatch, ...(transB ? [N, K] : [K, N])], { label: 'matmul.trial.b' });
  const c = engine.empty([batch, M, N], 'f32', 'matmul.trial.c');
  const call = matmulShape({ M, N, K, transA, transB, batchA: aBatch, batchB: bBatch });
  const tensors: Tensor[] = [a, b, c];
  return {
    run: (name) => encodeMatmulVariant(engine, matmulVariant(name), call, a.slice(), b.slice(), engine.placeholder(), c.slice()),
    output: async () => (await c.read()) as Float32Array,
    dispose: () => { for (const t of tensors) t.dispose(); },
  };
}

/**
 * K per dispatch when one workgroup's slice of B (K × up to 256 columns) outgrows a CPU core's
 * cache: shorter K passes keep it cached, at the cost of re-reading C between passes. Measured on
 * llvmpipe with the row kernels (784×784 with K = 10,000: 2.4 → 4.7–7.4 GFLOP/s; 1024³: 4.3 → 6.1),
 * while K = 784 products with small slices ran ~10% slower chunked, hence the threshold.
 */
const K_CHUNK_CACHED = 256;
const CACHE_SLICE_BYTES = 1 << 20;

/** K per dispatch for `variant` on this adapter: Infinity where nothing asks for a split. */
function kChunk(traits: AdapterTraits, variant: MatmulVariant, call: MatmulCall): number {
  let chunk = Number.isFinite(traits.loopBudget) ? variant.kLimit(traits.loopBudget) : Infinity;
  if (traits.cacheSizedSplits && variant.cacheSplits && call.K * Math.min(call.N, 256) * 4 >= CACHE_SLICE_BYTES) {
    chunk = Math.min(chunk, K_CHUNK_CACHED);
  }
  return chunk;
}

/**
 * Records `call` with `variant`: K in chunks where the adapter's loop budget or cache asks for it
 * (bias and activation on the last chunk, beta = 1 after the first), and M folded into several
 * dispatches past maxComputeWorkgroupsPerDimension workgroups (row offsets in multiples of 64).
 */
export function encodeMatmulVariant(engine: Engine, variant: MatmulVariant, call: MatmulCall, a: BufferSlice,
  b: BufferSlice, bias: BufferSlice, c: BufferSlice): void {
  const v = variant.applies(engine.traits, call) ? variant : general;
  const chunk = kChunk(engine.traits, v, call);
  const foldRows = Math.floor((engine.limits.maxComputeWorkgroupsPerDimension * v.rowsPerWorkgroup) / 64) * 64;
  for (let k0 = 0; k0 < call.K; k0 += chunk) {
    const k = Math.min(chunk, call.K - k0);
    const last = k0 + k >= call.K;
    const kCall: MatmulCall = k === call.K ? call : {
      ...call, K: k, beta: k0 === 0 ? call.beta : 1, act: last ? call.act : 0, hasBias: last && call.hasBias,
      aOffset: (call.aOffset ?? 0) + k0 * call.aColStride, bOffset: (call.bOffset ?? 0) + k0 * call.bRowStride,
    };
    if (call.M <= foldRows) { v.encode(engine, kCall, a, b, bias, c); continue; }
    for (let r0 = 0; r0 < call.M; r0 += foldRows) {
      v.encode(engine, {
        ...kCall, M: Math.min(foldRows, call.M - r0),
        aOffset: (kCall.aOffset ?? 0) + r0 * call.aRowStride, cOffset: (kCall.cOffset ?? 0) + r0 * call.N,
      }, a, b, bias, c);
    }
  }
}
