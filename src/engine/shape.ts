import { InvalidInputError, ShapeError } from './errors.js';

export type Shape = readonly number[];
export type DType = 'f32' | 'u32' | 'i32';
export type TypedArrayOf<D extends DType> = D extends 'f32' ? Float32Array : D extends 'u32' ? Uint32Array : Int32Array;
export type AnyTypedArray = Float32Array | Uint32Array | Int32Array;

export function shapeSize(shape: Shape): number {
  return shape.reduce((a, b) => a * b, 1);
}

export function formatShape(shape: Shape): string {
  return `[${shape.join(', ')}]`;
}

/** Throws unless every dimension is a positive integer. */
export function assertShape(shape: Shape, what: string): void {
  if (!Array.isArray(shape) || shape.length === 0) throw new ShapeError(`${what}: shape must have at least one dimension, got ${JSON.stringify(shape)}.`);
  for (const d of shape) {
    if (!Number.isInteger(d) || d <= 0) {
      throw new ShapeError(`${what}: every dimension must be a positive integer, got ${formatShape(shape)}.`);
    }
  }
}

export function dtypeOf(data: AnyTypedArray): DType {
  if (data instanceof Float32Array) return 'f32';
  if (data instanceof Uint32Array) return 'u32';
  if (data instanceof Int32Array) return 'i32';
  throw new ShapeError('data must be a Float32Array, Uint32Array or Int32Array.');
}

export function allocTyped(dtype: DType, n: number): AnyTypedArray {
  return dtype === 'f32' ? new Float32Array(n) : dtype === 'u32' ? new Uint32Array(n) : new Int32Array(n);
}

export function viewTyped(dtype: DType, buf: ArrayBuffer, offset = 0, length?: number): AnyTypedArray {
  return dtype === 'f32' ? new Float32Array(buf, offset, length) : dtype === 'u32' ? new Uint32Array(buf, offset, length) : new Int32Array(buf, offset, length);
}

/**
 * Throws an InvalidInputError naming the rows (first dimension) that hold NaN or Inf. Rows are
 * reported 0-based, at most `maxListed` of them.
 */
export function assertFinite(data: Float32Array | Float64Array, rowLength: number, what: string, maxListed = 8): void {
  let bad: number[] | undefined;
  let count = 0;
  for (let i = 0; i < data.length; i++) {
    if (!Number.isFinite(data[i])) {
      const row = Math.floor(i / rowLength);
      (bad ??= []);
      if (bad[bad.length - 1] !== row) {
        count++;
        if (bad.length < maxListed) bad.push(row);
      }
      i = (row + 1) * rowLength - 1; // next row
    }
  }
  if (bad) {
    throw new InvalidInputError(`${what} has NaN or Inf values in ${count} row${count > 1 ? 's' : ''}: ` +
      `${bad.join(', ')}${count > bad.length ? ', …' : ''} (0-based).`);
  }
}
