import type { Engine } from '../engine/engine.js';
import { ShapeError } from '../engine/errors.js';
import type { BufferSlice, Tensor } from '../engine/tensor.js';
import { log2Class, type VariantFamily, type VariantTrial } from '../engine/tuner.js';
import { seededRandom } from './random.js';
import { encodeReduce, encodeReduceGroups, type ReduceCall, type ReduceOp } from '../kernels/reduce.js';
import { rowChunks } from './chunks.js';

export type ReduceKind = 'sum' | 'mean' | 'max' | 'min' | 'sumsq' | 'sumabs';
/** 0: over rows (one value per column); 1: over columns (one value per row); 'all': one value. */
export type Axis = 0 | 1 | 'all';

/** What the choice of a reduction variant depends on: the axis, the reduced length and the outputs. */
export interface ReduceShape { axis: 0 | 1; length: number; outputs: number }

export function reduceShape(c: Pick<ReduceCall, 'R' | 'C' | 'axis'>): ReduceShape {
  return c.axis === 0 ? { axis: 0, length: c.R, outputs: c.C } : { axis: 1, length: c.C, outputs: c.R };
}

/**
 * Reductions: `lanes`, one invocation per output looping over its terms (no barriers: the shape for
 * CPU rasterisers); `tree`, workgroups of coalesced lanes combined by a tree in workgroup memory and
 * long reductions spread over many workgroups; `subgroup`, the same with subgroupAdd/Max/Min where
 * the adapter has subgroups.
 */
export const reduceFamily: VariantFamily<ReduceShape> = {
  name: 'reduce',
  variants: [
    { name: 'lanes', applies: () => true },
    { name: 'tree', applies: () => true },
    { name: 'subgroup', applies: (t) => t.subgroups },
  ],
  shapeClass: (s) => `axis:${s.axis} len:2^${log2Class(s.length)} out:2^${log2Class(s.outputs)}`,
  fallback: (t) => (t.isSoftware ? 'lanes' : t.subgroups ? 'subgroup' : 'tree'),
  trial(engine: Engine, s: ReduceShape): VariantTrial {
    const outputs = Math.min(s.outputs, 4096);
    const length = Math.max(1, Math.min(s.length, Math.floor(2 ** 20 / outputs)));
    const [R, C] = s.axis === 0 ? [length, outputs] : [outputs, length];
    const r = seededRandom(7);
    const x = engine.tensor(Float32Array.from({ length: R * C }, () => r() - 0.5), [R, C], { label: 'reduce.trial.x' });
    const y = engine.empty([outputs], 'f32', 'reduce.trial.y');
    return {
      run: (v) => encodeReduceVariant(engine, v, { R, C, axis: s.axis, op: 'sum' }, x.slice(), y.slice()),
      output: () => y.read(),
      dispose: () => { x.dispose(); y.dispose(); },
    };
  },
};

/** Records one reduction with the variant named. */
export function encodeReduceVariant(engine: Engine, variant: string, c: ReduceCall, x: BufferSlice, y: BufferSlice, scratch?: BufferSlice): void {
  if (variant === 'lanes') encodeReduce(engine, c, x, y);
  else encodeReduceGroups(engine, c, x, y, { subgroups: variant === 'subgroup', scratch });
}

/**
 * Records a reduction of x [R, C] (see `ReduceCall`) with the variant the tuner chooses for its
 * shape on this adapter. `scratch` (see `groupScratchSize`) spares a per-call allocation.
 */
export function encodeReduction(engine: Engine, c: ReduceCall, x: BufferSlice, y: BufferSlice, scratch?: BufferSlice): void {
  encodeReduceVariant(engine, engine.tuner.choose(reduceFamily, reduceShape(c)), c, x, y, scratch);
}

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
    encodeReduction(engine, { R: count, C, axis, op, scale, accumulate: axis === 0 && i > 0 }, xs, ys);
  });
  return y;
}

function reduceAll(engine: Engine, x: Tensor, kind: ReduceKind, op: ReduceOp, label: string): Tensor {
  const scale = kind === 'mean' ? 1 / x.size : 1;
  if (engine.tuner.choose(reduceFamily, { axis: 0, length: x.size, outputs: 1 }) !== 'lanes') {
    // The workgroup shapes reduce the flat array as one column, spread over many workgroups.
    const out = engine.empty([1], 'f32', label);
    rowChunks(engine, x.rows, x.cols, 0, label).forEach(({ start, count }, i) => {
      encodeReduction(engine, { R: count * x.cols, C: 1, axis: 0, op, scale, accumulate: i > 0 }, x.rowSlice(start, count), out.slice());
    });
    return out;
  }
  // Stage 1 reduces rows of FLAT_ROW elements; later stages sum the partials (or take their max/min).
  let count = x.size;
  let current: Tensor = x;
  let first = true;
  for (;;) {
    const rows = Math.ceil(count / FLAT_ROW);
    const out = engine.empty([rows], 'f32', rows === 1 ? label : `${label}.partial`);
    const last = rows === 1;
    const stageOp: ReduceOp = first ? op : (op === 'max' || op === 'min' ? op : 'sum');
    const chunkRows = rowChunks(engine, rows, FLAT_ROW, 0, label);
    for (const { start, count: cr } of chunkRows) {
      const offset = start * FLAT_ROW * 4;
      const elems = Math.min(cr * FLAT_ROW, count - start * FLAT_ROW);
      encodeReduce(engine, { R: cr, C: FLAT_ROW, axis: 1, op: stageOp, scale: last ? scale : 1, total: elems },
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
