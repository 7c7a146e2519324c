import type { Engine } from './engine.js';
import { DisposedError, ShapeError } from './errors.js';
import type { AnyTypedArray, DType, Shape, TypedArrayOf } from './shape.js';
import { formatShape, shapeSize } from './shape.js';

/** A byte range of a GPU buffer, as bound to a kernel. */
export interface BufferSlice {
  buffer: GPUBuffer;
  offset: number;
  size: number;
}

/**
 * An n-dimensional array in a GPU buffer, row-major. A tensor owns its buffer unless it is a
 * view (`reshape`); disposing returns the buffer to the engine's pool once the GPU is done with it.
 */
export class Tensor<D extends DType = DType> {
  private disposed = false;

  constructor(
    readonly engine: Engine,
    private buffer_: GPUBuffer,
    readonly shape: Shape,
    readonly dtype: D,
    readonly label: string,
    private readonly owner: Tensor | null = null,
  ) {}

  get size(): number { return shapeSize(this.shape); }
  get bytes(): number { return this.size * 4; }
  get rank(): number { return this.shape.length; }
  /** Rows (first dimension) and the product of the rest, the usual matrix view. */
  get rows(): number { return this.shape[0]; }
  get cols(): number { return this.shape.length > 1 ? this.size / this.shape[0] : 1; }
  get isDisposed(): boolean { return this.disposed || (this.owner?.isDisposed ?? false); }

  get buffer(): GPUBuffer {
    if (this.isDisposed) throw new DisposedError(`Tensor "${this.label}" was used after dispose().`);
    return this.buffer_;
  }

  /** The whole tensor as a binding. */
  slice(): BufferSlice {
    return { buffer: this.buffer, offset: 0, size: this.bytes };
  }

  /** Rows [start, start + count) as a binding; the engine checks offset alignment when it binds. */
  rowSlice(start: number, count: number): BufferSlice {
    const rowBytes = this.cols * 4;
    if (start < 0 || count <= 0 || start + count > this.rows) {
      throw new ShapeError(`rows ${start}..${start + count} are outside "${this.label}" ${formatShape(this.shape)}.`);
    }
    return { buffer: this.buffer, offset: start * rowBytes, size: count * rowBytes };
  }

  /** A view with another shape of the same size, sharing the buffer (disposing the view does nothing). */
  reshape(shape: Shape): Tensor<D> {
    if (shapeSize(shape) !== this.size) {
      throw new ShapeError(`cannot reshape "${this.label}" ${formatShape(this.shape)} to ${formatShape(shape)}.`);
    }
    return new Tensor(this.engine, this.buffer, shape, this.dtype, this.label, this.owner ?? this);
  }

  /** Reads the tensor (or `count` elements from element `start`) back to the CPU. */
  read(start = 0, count = this.size - start): Promise<TypedArrayOf<D>> {
    return this.engine.read(this, start, count) as Promise<TypedArrayOf<D>>;
  }

  /** Overwrites the tensor's contents (from element `start`). */
  write(data: AnyTypedArray, start = 0): void {
    this.engine.write(this, data, start);
  }

  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    if (!this.owner) this.engine.releaseBuffer(this.buffer_);
  }

  [Symbol.dispose](): void {
    this.dispose();
  }

  toString(): string {
    return `Tensor(${this.label}, ${this.dtype}${formatShape(this.shape)})`;
  }
}
