import code from '../../shaders/reduce.wgsl';
import type { Engine } from '../engine/engine.js';
import { LOOP_BUDGET, packUniforms, type KernelSpec } from '../engine/kernel.js';
import type { BufferSlice } from '../engine/tensor.js';

export const reduceKernel: KernelSpec = { name: 'reduce', code, bindings: ['uniform', 'read', 'storage'] };

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
/** Terms per dispatch: the loop runs count + count/256 iterations. */
const SPAN = Math.floor(LOOP_BUDGET * 0.9);

/**
 * Records a reduction of x [R, C] over rows (axis 0, C outputs) or columns (axis 1, R outputs),
 * in several dispatches when the reduced length exceeds one invocation's loop budget.
 */
export function encodeReduce(engine: Engine, c: ReduceCall, x: BufferSlice, y: BufferSlice): void {
  const outputs = c.axis === 0 ? c.C : c.R;
  const length = c.axis === 0 ? c.R : c.C;
  for (let start = 0; start < length; start += SPAN) {
    const count = Math.min(SPAN, length - start);
    engine.dispatch(reduceKernel, {
      overrides: { WG, AXIS: c.axis },
      args: [packUniforms([
        ['u32', c.R], ['u32', c.C], ['u32', REDUCE_OPS[c.op]], ['f32', c.scale ?? 1], ['u32', c.total ?? 0],
        ['u32', c.accumulate || start > 0 ? 1 : 0], ['u32', start], ['u32', count],
      ]), x, y],
      workgroups: engine.grid(outputs, WG),
    });
  }
}
