import type { UniformRing } from './bindings.js';
import { formatBytes, LimitError, ShapeError } from './errors.js';
import type { KernelSpec, OverrideValues } from './kernel.js';
import { Tensor, type BufferSlice } from './tensor.js';

/** One argument of a dispatch: a tensor, a byte range of a buffer, or uniform bytes. */
export type DispatchArg = Tensor | BufferSlice | ArrayBuffer;

export interface Dispatch {
  overrides?: OverrideValues;
  args: readonly DispatchArg[];
  /** Workgroup counts; see `Engine.grid` for 1D sizes past the per-dimension limit. */
  workgroups: readonly [number, number?, number?];
  /** What this dispatch computes and moves, for the profiler's rates and roofline. */
  cost?: DispatchCost;
}

/** Floating-point operations (an FMA counts 2) and bytes read plus written by one dispatch. */
export interface DispatchCost {
  flops: number;
  bytes: number;
}

/**
 * The buffer range bound for argument `i` of a dispatch of `spec`: uniform bytes go into the ring (their
 * offset appended to `offsets`), storage ranges are checked against the adapter's binding limits.
 */
export function bindingResource(limits: GPUSupportedLimits, ring: UniformRing, spec: KernelSpec, i: number, arg: DispatchArg,
  offsets: number[]): GPUBufferBinding {
  const kind = spec.bindings[i];
  if (arg instanceof ArrayBuffer) {
    if (kind !== 'uniform') throw new ShapeError(`${spec.name}: binding ${i} is ${kind} storage, got uniform bytes.`);
    offsets.push(ring.push(arg));
    return { buffer: ring.buffer, offset: 0, size: arg.byteLength };
  }
  if (kind === 'uniform') throw new ShapeError(`${spec.name}: binding ${i} takes uniform bytes.`);
  const slice = arg instanceof Tensor ? arg.slice() : arg;
  const size = Math.ceil(slice.size / 4) * 4;
  const max = limits.maxStorageBufferBindingSize;
  if (size > max) {
    throw new LimitError(`${spec.name}: binding ${i} is ${formatBytes(size)}, more than this adapter's ` +
      `maxStorageBufferBindingSize (${formatBytes(max)}); split the data into row chunks.`,
      'maxStorageBufferBindingSize', max, size);
  }
  if (slice.offset % limits.minStorageBufferOffsetAlignment !== 0) {
    throw new LimitError(`${spec.name}: binding ${i} starts at byte ${slice.offset}, not a multiple of ` +
      `minStorageBufferOffsetAlignment (${limits.minStorageBufferOffsetAlignment}).`,
      'minStorageBufferOffsetAlignment', limits.minStorageBufferOffsetAlignment, slice.offset);
  }
  return { buffer: slice.buffer, offset: slice.offset, size };
}
