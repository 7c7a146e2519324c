import type { Engine } from '../engine/engine.js';
import { InvalidInputError, LimitError, ShapeError, formatBytes } from '../engine/errors.js';
import { formatShape } from '../engine/shape.js';
import type { BufferSlice, Tensor } from '../engine/tensor.js';
import { activationCode, LEAKY_SLOPE, type Activation } from '../kernels/activations.js';
import type { MatmulCall } from '../kernels/matmul.js';
import { encodeMatmulVariant, matmulFamily, matmulShape, matmulVariant } from './matmul_family.js';

export { matmulFamily, matmulShape, MATMUL_VARIANTS } from './matmul_family.js';

export interface MatmulOptions {
  /** Use Aᵀ: `a` is stored [K, M] (or [batch, K, M]). */
  transA?: boolean;
  /** Use Bᵀ: `b` is stored [N, K]. */
  transB?: boolean;
  /** Added to every row of the product; shape [N]. */
  bias?: Tensor;
  activation?: Activation;
  /** Negative slope of leaky ReLU (default 0.01). */
  slope?: number;
  alpha?: number;
  /** Accumulate: C = act(alpha·AB + beta·C + bias); needs `out`. */
  beta?: number;
  /** Write into this tensor instead of a new one. */
  out?: Tensor;
  label?: string;
}

interface Operand { batch: number; rows: number; cols: number }

function operand(t: Tensor, name: string): Operand {
  if (t.dtype !== 'f32') throw new ShapeError(`matmul: ${name} must be f32, got ${t.dtype}.`);
  if (t.rank === 2) return { batch: 1, rows: t.shape[0], cols: t.shape[1] };
  if (t.rank === 3) return { batch: t.shape[0], rows: t.shape[1], cols: t.shape[2] };
  throw new ShapeError(`matmul: ${name} must be 2-D or 3-D, got ${formatShape(t.shape)}.`);
}

/**
 * Measures the matmul variants for the product `matmul(engine, a, b, opts)` would compute, once per
 * adapter and shape class (see `Tuner.tune`), so that later calls of that class take the fastest.
 * Async model entry points call it before recording their products.
 */
export async function tuneMatmul(engine: Engine, a: { rows: number; cols: number }, b: { rows: number; cols: number },
  opts: Pick<MatmulOptions, 'transA' | 'transB'> = {}): Promise<string> {
  const [M, K] = opts.transA ? [a.cols, a.rows] : [a.rows, a.cols];
  const N = opts.transB ? b.rows : b.cols;
  return engine.tuner.tune(matmulFamily, matmulShape({ M, N, K, transA: opts.transA, transB: opts.transB }));
}

/**
 * Batched matrix product `C[b] = act(alpha·op(A[b])·op(B[b]) + beta·C[b] + bias)` with a batch of 1
 * broadcast against any other. The kernel variant is `engine.tuner.choose(matmulFamily, …)`: forced,
 * tuned on this adapter, or the adapter kind's default. Operands larger than one storage binding are
 * split into row (or, for Aᵀ, K) chunks, and M is folded past the per-dimension workgroup limit.
 */
export function matmul(engine: Engine, a: Tensor, b: Tensor, opts: MatmulOptions = {}): Tensor {
  const A = operand(a, 'A');
  const B = operand(b, 'B');
  const [M, K] = opts.transA ? [A.cols, A.rows] : [A.rows, A.cols];
  const [K2, N] = opts.transB ? [B.cols, B.rows] : [B.rows, B.cols];
  if (K !== K2) {
    throw new ShapeError(`matmul: inner dimensions differ: op(A) is ${M}×${K} (${formatShape(a.shape)}${opts.transA ? 'ᵀ' : ''}), ` +
      `op(B) is ${K2}×${N} (${formatShape(b.shape)}${opts.transB ? 'ᵀ' : ''}).`);
  }
  if (A.batch !== B.batch && A.batch !== 1 && B.batch !== 1) {
    throw new ShapeError(`matmul: batch sizes ${A.batch} and ${B.batch} do not broadcast.`);
  }
  const batch = Math.max(A.batch, B.batch);
  if (opts.bias && (opts.bias.size !== N || opts.bias.dtype !== 'f32')) {
    throw new ShapeError(`matmul: bias must be f32 with ${N} values, got ${opts.bias}.`);
  }
  const beta = opts.beta ?? 0;
  const alpha = opts.alpha ?? 1;
  if (!Number.isFinite(alpha) || !Number.isFinite(beta)) throw new InvalidInputError('matmul: alpha and beta must be finite.');
  if (beta !== 0 && !opts.out) throw new ShapeError('matmul: beta ≠ 0 accumulates into `out`, which was not given.');
  const outShape = batch > 1 || a.rank === 3 || b.rank === 3 ? [batch, M, N] : [M, N];
  if (opts.out && opts.out.size !== batch * M * N) {
    throw new ShapeError(`matmul: out ${formatShape(opts.out.shape)} does not hold the ${formatShape(outShape)} result.`);
  }
  const c = opts.out ?? engine.empty(outShape, 'f32', opts.label ?? 'matmul.out');

  const call: MatmulCall = {
    M, N, K, batch,
    aRowStride: opts.transA ? 1 : K, aColStride: opts.transA ? M : 1, aBatchStride: A.batch === 1 ? 0 : M * K,
    bRowStride: opts.transB ? 1 : N, bColStride: opts.transB ? K : 1, bBatchStride: B.batch === 1 ? 0 : K * N,
    cBatchStride: M * N,
    act: activationCode(opts.activation ?? 'identity'), slope: opts.slope ?? LEAKY_SLOPE,
    alpha, beta, hasBias: Boolean(opts.bias),
  };
  const variant = matmulVariant(engine.tuner.choose(matmulFamily, call));
  const encode = (sub: MatmulCall, sa: BufferSlice, sb: BufferSlice, sbias: BufferSlice, sc: BufferSlice) =>
    encodeMatmulVariant(engine, variant, sub, sa, sb, sbias, sc);
  const bias = opts.bias ? opts.bias.slice() : engine.placeholder();
  const max = engine.limits.maxStorageBufferBindingSize;
  const fits = a.bytes <= max && b.bytes <= max && c.bytes <= max;
  if (fits) {
    encode(call, a.slice(), b.slice(), bias, c.slice());
    return c;
  }
  if (batch > 1) throw tooBig(a, b, c, max, 'batched operands');
  if (b.bytes > max) throw tooBig(a, b, c, max, 'B');
  if (!opts.transA) {
    // Rows of A and C in chunks; 64-row multiples keep every offset 256-byte aligned.
    const rows = Math.floor(max / (4 * Math.max(K, N)) / 64) * 64;
    for (let r0 = 0; r0 < M; r0 += rows) {
      const r = Math.min(rows, M - r0);
      encode({ ...call, M: r }, slice(a, r0 * K, r * K), b.slice(), bias, slice(c, r0 * N, r * N));
    }
    return c;
  }
  if (opts.transB || c.bytes > max) throw tooBig(a, b, c, max, 'Aᵀ with this B or C');
  // Aᵀ·B with A stored [K, M]: chunks of K accumulate into C; bias and activation on the last only.
  const ks = Math.floor(max / (4 * Math.max(M, N)) / 64) * 64;
  for (let k0 = 0; k0 < K; k0 += ks) {
    const k = Math.min(ks, K - k0);
    const last = k0 + k >= K;
    encode({
      ...call, K: k, beta: k0 === 0 ? beta : 1,
      act: last ? call.act : 0, hasBias: last && call.hasBias,
    }, slice(a, k0 * M, k * M), slice(b, k0 * N, k * N), bias, c.slice());
  }
  return c;
}

function slice(t: Tensor, start: number, count: number): BufferSlice {
  return { buffer: t.buffer, offset: start * 4, size: count * 4 };
}

function tooBig(a: Tensor, b: Tensor, c: Tensor, max: number, what: string): LimitError {
  const biggest = Math.max(a.bytes, b.bytes, c.bytes);
  return new LimitError(`matmul: ${what} larger than one storage binding (${formatBytes(biggest)} > ` +
    `maxStorageBufferBindingSize ${formatBytes(max)}) cannot be split for ${formatShape(a.shape)} × ${formatShape(b.shape)}.`,
    'maxStorageBufferBindingSize', max, biggest);
}
