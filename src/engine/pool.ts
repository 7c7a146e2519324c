import { formatBytes, LimitError } from './errors.js';

/**
 * Rounds a byte size up to its pool class: four classes per power of two, so at most 25% of a
 * buffer is padding while buffers of similar sizes still get reused.
 */
export function sizeClass(bytes: number): number {
  const n = Math.max(256, Math.ceil(bytes));
  const octave = 2 ** Math.floor(Math.log2(n));
  const step = Math.max(256, octave / 4);
  return Math.ceil(n / step) * step;
}

export interface PoolStats {
  /** Bytes in live GPU buffers owned by the pool (in use + waiting + free). */
  allocatedBytes: number;
  inUseBytes: number;
  freeBytes: number;
  /** Most bytes the pool has held in live buffers at once (in use, waiting and free): the GPU memory high-water mark. */
  peakAllocatedBytes: number;
  /** Most bytes in use at once (not counting free buffers kept for reuse). */
  peakInUseBytes: number;
  buffers: number;
  created: number;
  reused: number;
}

/**
 * GPU buffers pooled by (size class, usage). A released buffer goes to a waiting list tagged with
 * the submit that last used it, and becomes reusable only once that submit has completed on the
 * GPU: a queue.writeBuffer into a reused buffer must never overtake commands still reading it.
 */
export class BufferPool {
  private free = new Map<string, GPUBuffer[]>();
  private waiting: Array<{ buffer: GPUBuffer; serial: number }> = [];
  private sizes = new WeakMap<GPUBuffer, number>();
  private stats_ = { allocatedBytes: 0, inUseBytes: 0, freeBytes: 0, peakAllocatedBytes: 0, peakInUseBytes: 0, buffers: 0, created: 0, reused: 0 };

  /** Free bytes kept for reuse beyond which the largest free buffers are destroyed. */
  maxFreeBytes = 512 * 1024 * 1024;

  constructor(private readonly device: GPUDevice, private readonly maxBufferSize: number) {}

  private key(size: number, usage: number): string {
    return `${size}:${usage}`;
  }

  acquire(bytes: number, usage: number, label: string): GPUBuffer {
    const size = sizeClass(bytes);
    if (size > this.maxBufferSize && bytes <= this.maxBufferSize) return this.create(Math.ceil(bytes / 4) * 4, usage, label);
    if (bytes > this.maxBufferSize) {
      throw new LimitError(`${label} needs a buffer of ${formatBytes(bytes)}, more than this adapter's ` +
        `maxBufferSize (${formatBytes(this.maxBufferSize)}).`, 'maxBufferSize', this.maxBufferSize, bytes);
    }
    const list = this.free.get(this.key(size, usage));
    const buf = list?.pop();
    if (buf) {
      this.stats_.reused++;
      this.stats_.freeBytes -= size;
      this.stats_.inUseBytes += size;
      this.stats_.peakInUseBytes = Math.max(this.stats_.peakInUseBytes, this.stats_.inUseBytes);
      buf.label = label;
      return buf;
    }
    return this.create(size, usage, label);
  }

  private create(size: number, usage: number, label: string): GPUBuffer {
    const buffer = this.device.createBuffer({ size, usage, label });
    this.sizes.set(buffer, size);
    this.stats_.created++;
    this.stats_.buffers++;
    this.stats_.allocatedBytes += size;
    this.stats_.inUseBytes += size;
    this.stats_.peakAllocatedBytes = Math.max(this.stats_.peakAllocatedBytes, this.stats_.allocatedBytes);
    this.stats_.peakInUseBytes = Math.max(this.stats_.peakInUseBytes, this.stats_.inUseBytes);
    return buffer;
  }

  /** Gives a buffer back; it is reused after submit `serial` has completed. */
  release(buffer: GPUBuffer, serial: number): void {
    this.waiting.push({ buffer, serial });
  }

  /** Moves buffers whose last submit has completed to the free lists. */
  retire(completedSerial: number): void {
    if (!this.waiting.length) return;
    const still: typeof this.waiting = [];
    for (const w of this.waiting) {
      if (w.serial > completedSerial) { still.push(w); continue; }
      const size = this.sizes.get(w.buffer)!;
      const k = this.key(size, w.buffer.usage);
      let list = this.free.get(k);
      if (!list) this.free.set(k, (list = []));
      list.push(w.buffer);
      this.stats_.inUseBytes -= size;
      this.stats_.freeBytes += size;
    }
    this.waiting = still;
    this.trim();
  }

  private trim(): void {
    if (this.stats_.freeBytes <= this.maxFreeBytes) return;
    const keys = [...this.free.keys()].sort((a, b) => Number(b.split(':')[0]) - Number(a.split(':')[0]));
    for (const k of keys) {
      const list = this.free.get(k)!;
      while (list.length && this.stats_.freeBytes > this.maxFreeBytes) this.destroy(list.pop()!);
      if (this.stats_.freeBytes <= this.maxFreeBytes) break;
    }
  }

  private destroy(buffer: GPUBuffer): void {
    const size = this.sizes.get(buffer)!;
    buffer.destroy();
    this.stats_.freeBytes -= size;
    this.stats_.allocatedBytes -= size;
    this.stats_.buffers--;
  }

  /** Destroys every free buffer (the in-use ones stay with their owners). */
  clear(): void {
    for (const list of this.free.values()) for (const b of list) this.destroy(b);
    this.free.clear();
  }

  destroyAll(): void {
    this.clear();
    for (const w of this.waiting) w.buffer.destroy();
    this.waiting = [];
  }

  stats(): PoolStats {
    return { ...this.stats_ };
  }
}
