import { LatentGpuError } from '../errors.js';

export { LatentGpuError };

/** Shapes that do not fit together, zero or negative dimensions, wrong dtypes. */
export class ShapeError extends LatentGpuError {}

/** Input values the algorithms cannot use (NaN, Inf, empty data, bad parameters). */
export class InvalidInputError extends LatentGpuError {}

/** Data larger than a device limit and not split by the caller. */
export class LimitError extends LatentGpuError {
  constructor(message: string, readonly limit: string, readonly limitValue: number, readonly requested: number) {
    super(message);
  }
}

export type GpuErrorKind = 'validation' | 'out-of-memory' | 'internal' | 'compilation';

/** A WebGPU error caught by an error scope, tied to the kernels recorded when it happened. */
export class GpuError extends LatentGpuError {
  constructor(readonly kind: GpuErrorKind, readonly kernels: string[], readonly gpuMessage: string) {
    super(`GPU ${kind} error in ${kernels.length ? kernels.join(', ') : 'engine'}: ${gpuMessage.trim()}`);
  }
}

/** The device went away (driver reset, destroy, out of memory); the engine cannot be used again. */
export class DeviceLostError extends LatentGpuError {
  constructor(readonly reason: string, detail: string) {
    super(`The GPU device was lost (${reason}): ${detail || 'no detail given'}. Create a new Engine.`);
  }
}

/** Use of a tensor or engine after dispose(). */
export class DisposedError extends LatentGpuError {}

/** A stateful object used out of order (e.g. a stage encoded before it was prepared). */
export class StateError extends LatentGpuError {}

export function formatBytes(n: number): string {
  if (n < 1024) return `${n} B`;
  const units = ['KiB', 'MiB', 'GiB', 'TiB'];
  let v = n / 1024;
  let i = 0;
  while (v >= 1024 && i < units.length - 1) { v /= 1024; i++; }
  return `${v.toFixed(v >= 100 ? 0 : 1)} ${units[i]}`;
}

/** The kind of a WebGPU error object, by its class (validation unless it says otherwise). */
export function errorKind(e: GPUError): GpuErrorKind {
  const name = e.constructor?.name ?? '';
  if (name.includes('OutOfMemory')) return 'out-of-memory';
  if (name.includes('Internal')) return 'internal';
  return 'validation';
}
