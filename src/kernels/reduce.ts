import code from '../../shaders/reduce.wgsl';
import subgroupCode from '../../shaders/reduce_subgroup.wgsl';
import treeCode from '../../shaders/reduce_tree.wgsl';
import type { Engine } from '../engine/engine.js';
import { packUniforms, type KernelSpec } from '../engine/kernel.js';
import type { BufferSlice } from '../engine/tensor.js';

export const reduceKernel: KernelSpec = { name: 'reduce', code, bindings: ['uniform', 'read', 'storage'] };
export const reduceTreeKernel: KernelSpec = { name: 'reduce_tree', code: treeCode, bindings: ['uniform', 'read', 'storage'] };
export const reduceSubgroupKernel: KernelSpec = { name: 'reduce_subgroup', code: subgroupCode, bindings: ['uniform', 'read', 'storage'] };

export const REDUCE_OPS = { sum: 0, sumsq: 1, max: 2, min: 3, sumabs: 4 } as const;
export type ReduceOp = keyof typeof REDUCE_OPS;

export interface ReduceCall {
  R: number; C: number; axis: 0 | 1; op: ReduceOp;
  /** Multiplies sums (e.g. 1/n for a mean). */
  scale?: number;
  /** Flat length when the last row is short (axis 1 only). */
  total?: number;
  /** Combine with y's current values (sum: add; max/min: max/min). */
  accumulate?: boolean;
}

const WG = 64;

function reduceCost(c: ReduceCall, outputs: number, length: number, written: number) {
  return {
    flops: outputs * length * (c.op === 'sumsq' ? 2 : 1),
    bytes: 4 * (outputs * length + written * (c.accumulate ? 2 : 1)),
  };
}

/**
 * Records a reduction of x [R, C] over rows (axis 0, C outputs) or columns (axis 1, R outputs)
 * with one invocation per output (the CPU-rasteriser shape: no barriers), in several dispatches
 * when the reduced length exceeds one invocation's loop budget.
 */
export function encodeReduce(engine: Engine, c: ReduceCall, x: BufferSlice, y: BufferSlice): void {
  const outputs = c.axis === 0 ? c.C : c.R;
  const length = c.axis === 0 ? c.R : c.C;
  // Terms per dispatch: the loop runs count + count/256 iterations.
  const span = Math.min(Math.floor(engine.traits.loopBudget * 0.9), 2 ** 31);
  for (let start = 0; start < length; start += span) {
    const count = Math.min(span, length - start);
    engine.dispatch(reduceKernel, {
      overrides: { WG, AXIS: c.axis },
      args: [packUniforms([
        ['u32', c.R], ['u32', c.C], ['u32', REDUCE_OPS[c.op]], ['f32', c.scale ?? 1], ['u32', c.total ?? 0],
        ['u32', c.accumulate || start > 0 ? 1 : 0], ['u32', start], ['u32', count],
      ]), x, y],
      workgroups: engine.grid(outputs, WG),
      cost: reduceCost(c, outputs, count, outputs),
    });
  }
}

/** Lanes per workgroup, lanes per output (IL) and whether outputs are the lanes' fast axis. */
export interface GroupLayout { wg: number; il: number; ofast: boolean }

const pow2ceil = (n: number) => 2 ** Math.ceil(Math.log2(Math.max(1, n)));

/**
 * How the workgroup shapes lay out a reduction: over rows of several columns, up to 64 adjacent
 * columns per workgroup (adjacent lanes read adjacent columns); otherwise up to all lanes along the
 * reduced index, at least 4 terms each (adjacent lanes read adjacent elements of a row, or of a
 * single column), and the rest of the workgroup on further outputs.
 */
export function groupLayout(engine: Engine, c: ReduceCall): GroupLayout {
  const wg = Math.min(256, 2 ** Math.floor(Math.log2(engine.traits.maxInvocations)));
  const outputs = c.axis === 0 ? c.C : c.R;
  const length = c.axis === 0 ? c.R : c.C;
  if (c.axis === 0 && outputs > 1) {
    const ol = Math.min(pow2ceil(outputs), 64, wg);
    return { wg, il: wg / ol, ofast: true };
  }
  return { wg, il: Math.min(pow2ceil(Math.ceil(length / 4)), wg), ofast: false };
}

/** Workgroups a long reduction is spread over, and the least terms each lane keeps. */
const TARGET_GROUPS = 1024;
const MIN_TERMS = 16;

export interface GroupOptions {
  /** Combine each subgroup with subgroupAdd/Max/Min (needs the `subgroups` feature). */
  subgroups: boolean;
  /** Room for the partials of a reduction spread over several workgroups per output (allocated when absent). */
  scratch?: BufferSlice;
}

/** Floats rounded up to 256 bytes, a storage binding's offset alignment. */
const aligned = (n: number) => Math.ceil(n / 64) * 64;

/** Floats of scratch `encodeReduceGroups` needs for a call (0: none). */
export function groupScratchSize(engine: Engine, c: ReduceCall): number {
  if (c.R === 0 || c.C === 0) return 0;
  const { segments, outputs } = groupSegments(engine, c);
  return segments > 1 ? aligned(segments * outputs) + groupScratchSize(engine, secondPass(c, segments, outputs)) : 0;
}

function groupSegments(engine: Engine, c: ReduceCall) {
  const outputs = c.axis === 0 ? c.C : c.R;
  const length = c.axis === 0 ? c.R : c.C;
  const { wg, il } = groupLayout(engine, c);
  const outGroups = Math.ceil(outputs / (wg / il));
  const perLane = Math.min(Math.floor(engine.traits.loopBudget * 0.9), 2 ** 24);
  let segments = Math.max(1, Math.ceil(length / (il * perLane)));
  segments = Math.max(segments, Math.min(Math.ceil(TARGET_GROUPS / outGroups), Math.ceil(length / (il * MIN_TERMS))));
  const segLen = Math.ceil(length / segments);
  return { outputs, length, outGroups, segments: Math.ceil(length / segLen), segLen };
}

function secondPass(c: ReduceCall, segments: number, outputs: number): ReduceCall {
  const op: ReduceOp = c.op === 'max' || c.op === 'min' ? c.op : 'sum';
  return { R: segments, C: outputs, axis: 0, op, scale: c.scale, accumulate: c.accumulate };
}

/**
 * Records the same reduction as `encodeReduce` in the GPU shape: a workgroup per group of outputs
 * and segment of the reduced axis, its lanes combined by a tree in workgroup memory (or subgroup
 * operations); a reduction long enough to fill many workgroups (e.g. t-SNE's Z over all points)
 * is spread over segments whose partials a second pass combines.
 */
export function encodeReduceGroups(engine: Engine, c: ReduceCall, x: BufferSlice, y: BufferSlice, o: GroupOptions): void {
  if (c.R === 0 || c.C === 0) return;
  const { outputs, length, outGroups, segments, segLen } = groupSegments(engine, c);
  const { wg, il, ofast } = groupLayout(engine, c);
  let scratch = o.scratch;
  let owned: { dispose(): void } | null = null;
  const need = groupScratchSize(engine, c);
  if (need > 0 && (!scratch || scratch.size < need * 4)) {
    const t = engine.empty([need], 'f32', 'reduce.partials');
    scratch = t.slice();
    owned = t;
  }
  const partial = segments > 1 ? { buffer: scratch!.buffer, offset: scratch!.offset, size: segments * outputs * 4 } : y;
  const last = segments === 1;
  engine.dispatch(o.subgroups ? reduceSubgroupKernel : reduceTreeKernel, {
    overrides: { WG: wg, IL: il, OFAST: ofast ? 1 : 0 },
    args: [packUniforms([
      ['u32', outputs], ['u32', length], ['u32', c.axis === 0 ? 1 : c.C], ['u32', c.axis === 0 ? c.C : 1],
      ['u32', REDUCE_OPS[c.op]], ['f32', last ? c.scale ?? 1 : 1], ['u32', last && c.accumulate ? 1 : 0], ['u32', c.total ?? 0],
      ['u32', segLen], ['u32', segments], ['u32', outGroups], ['u32', 0x7f800000],
    ]), x, partial],
    workgroups: engine.grid(outGroups * segments, 1),
    cost: reduceCost({ ...c, accumulate: last && c.accumulate }, outputs, length, outputs * segments),
  });
  if (!last) {
    const skip = aligned(segments * outputs) * 4;
    const more = { buffer: scratch!.buffer, offset: scratch!.offset + skip, size: scratch!.size - skip };
    encodeReduceGroups(engine, secondPass(c, segments, outputs), partial, y, { subgroups: o.subgroups, scratch: more });
  }
  owned?.dispose();
}
