import type { Engine } from '../engine/engine.js';
import { ShapeError } from '../engine/errors.js';
import type { Tensor } from '../engine/tensor.js';
import { encodeReduce, type ReduceOp } from '../kernels/reduce.js';
import { rowChunks } from './chunks.js';

export type ReduceKind = 'sum' | 'mean' | 'max' | 'min' | 'sumsq' | 'sumabs';
/** 0: over rows (one value per column); 1: over columns (one value per row); 'all': one value. */
export type Axis = 0 | 1 | 'all';

const FLAT_ROW = 1024;

/**
 * Reduces a tensor viewed as a matrix [rows, cols] (its first dimension by the product of the rest).
 * Inputs larger than one storage binding are reduced in row chunks.
 */
export function reduce(engine: Engine, x: Tensor, kind: ReduceKind, axis: Axis, label = `reduce.${kind}`): Tensor {
  if (x.dtype !== 'f32') throw new ShapeError(`${kind}: ${x} must be f32.`);
  const op: ReduceOp = kind === 'mean' ? 'sum' : kind;
  if (axis === 'all') return reduceAll(engine, x, kind, op, label);
  const R = x.rows;
  const C = x.cols;
  const y = engine.empty([axis === 0 ? C : R], 'f32', label);
  const n = axis === 0 ? R : C;
  const scale = kind === 'mean' ? 1 / n : 1;
  const chunks = rowChunks(engine, R, C, 0, label);
  chunks.forEach(({ start, count }, i) => {
    const xs = x.rowSlice(start, count);
    const ys = axis === 0 ? y.slice() : { buffer: y.buffer, offset: start * 4, size: count * 4 };
    encodeReduce(engine, { R: count, C, axis, op, scale, accumulate: axis === 0 && i > 0 }, xs, ys);
  });
  return y;
}

function reduceAll(engine: Engine, x: Tensor, kind: ReduceKind, op: ReduceOp, label: string): Tensor {
  // Stage 1 reduces rows of FLAT_ROW elements; later stages sum the partials (or take their max/min).
  let count = x.size;
  let current: Tensor = x;
  let first = true;
  for (;;) {
    const rows = Math.ceil(count / FLAT_ROW);
    const out = engine.empty([rows], 'f32', rows === 1 ? label : `${label}.partial`);
    const last = rows === 1;
    const scale = last && kind === 'mean' ? 1 / x.size : 1;
    const stageOp: ReduceOp = first ? op : (op === 'max' || op === 'min' ? op : 'sum');
    const chunkRows = rowChunks(engine, rows, FLAT_ROW, 0, label);
    for (const { start, count: cr } of chunkRows) {
      const offset = start * FLAT_ROW * 4;
      const elems = Math.min(cr * FLAT_ROW, count - start * FLAT_ROW);
      encodeReduce(engine, { R: cr, C: FLAT_ROW, axis: 1, op: stageOp, scale, total: elems },
        { buffer: current.buffer, offset, size: elems * 4 },
        { buffer: out.buffer, offset: start * 4, size: cr * 4 });
    }
    if (!first) current.dispose();
    first = false;
    current = out;
    count = rows;
    if (last) return out;
  }
}

export const sum = (e: Engine, x: Tensor, axis: Axis) => reduce(e, x, 'sum', axis);
export const mean = (e: Engine, x: Tensor, axis: Axis) => reduce(e, x, 'mean', axis);
export const max = (e: Engine, x: Tensor, axis: Axis) => reduce(e, x, 'max', axis);
export const min = (e: Engine, x: Tensor, axis: Axis) => reduce(e, x, 'min', axis);
export const sumOfSquares = (e: Engine, x: Tensor, axis: Axis) => reduce(e, x, 'sumsq', axis);
