import { BufferUsage } from './usage.js';

/**
 * Uniform data of one batch of dispatches, in one GPU buffer bound with dynamic offsets. Dispatches
 * append their bytes to a CPU copy; `upload` writes the used part with one `writeBuffer` just before
 * the batch is submitted. One buffer serves every batch: queue writes and submits run in queue order,
 * so the next batch's write lands after the previous batch has read its uniforms.
 */
export class UniformRing {
  readonly buffer: GPUBuffer;
  private readonly cpu: Uint8Array<ArrayBuffer>;
  private used = 0;

  constructor(device: GPUDevice, readonly capacity: number, private readonly align: number) {
    this.buffer = device.createBuffer({ label: 'uniforms.ring', size: capacity, usage: BufferUsage.UNIFORM | BufferUsage.COPY_DST });
    this.cpu = new Uint8Array(capacity);
  }

  /** Whether `bytes` more fit in this batch. */
  fits(bytes: number): boolean {
    return Math.ceil(this.used / this.align) * this.align + bytes <= this.capacity;
  }

  /** Appends uniform bytes and returns their offset; the caller checked `fits`. */
  push(data: ArrayBuffer): number {
    const offset = Math.ceil(this.used / this.align) * this.align;
    this.cpu.set(new Uint8Array(data), offset);
    this.used = offset + data.byteLength;
    return offset;
  }

  /** Writes this batch's uniforms to the GPU buffer (before its submit) and starts a new batch. */
  upload(queue: GPUQueue): void {
    if (this.used === 0) return;
    queue.writeBuffer(this.buffer, 0, this.cpu, 0, Math.ceil(this.used / 4) * 4);
    this.used = 0;
  }

  destroy(): void {
    this.buffer.destroy();
  }
}

/**
 * Bind groups reused across dispatches that bind the same buffer ranges: an iterative algorithm (a
 * t-SNE step, an epoch of training) binds the same tensors every iteration, so after the first one
 * it creates no bind groups. Bounded, least recently used first out, so a long run cannot grow it.
 */
export class BindGroupCache {
  private readonly groups = new Map<string, GPUBindGroup>();
  private readonly ids = new WeakMap<GPUBuffer, number>();
  private nextId = 1;
  created = 0;
  reused = 0;

  constructor(private readonly device: GPUDevice, readonly maxEntries = 4096) {}

  get size(): number {
    return this.groups.size;
  }

  private id(buffer: GPUBuffer): number {
    let id = this.ids.get(buffer);
    if (id === undefined) this.ids.set(buffer, (id = this.nextId++));
    return id;
  }

  get(label: string, layout: GPUBindGroupLayout, layoutKey: string, entries: GPUBindGroupEntry[]): GPUBindGroup {
    let key = layoutKey;
    for (const e of entries) {
      const r = e.resource as GPUBufferBinding;
      key += `|${this.id(r.buffer)}:${r.offset ?? 0}:${r.size ?? -1}`;
    }
    const hit = this.groups.get(key);
    if (hit) {
      // Re-insert: Map order is the recency order.
      this.groups.delete(key);
      this.groups.set(key, hit);
      this.reused++;
      return hit;
    }
    const group = this.device.createBindGroup({ label, layout, entries });
    this.created++;
    this.groups.set(key, group);
    if (this.groups.size > this.maxEntries) this.groups.delete(this.groups.keys().next().value as string);
    return group;
  }

  clear(): void {
    this.groups.clear();
  }
}
