import type { GpuContext, AdapterKind } from '../gpu/types.js';
import { adapterTraits, type AdapterTraits } from '../gpu/traits.js';
import { BufferPool, type PoolStats } from './pool.js';
import { DeviceLostError, DisposedError, errorKind, GpuError, LimitError, ShapeError } from './errors.js';
import type { KernelSpec } from './kernel.js';
import { PipelineCache } from './pipelines.js';
import type { AnyTypedArray, DType, Shape } from './shape.js';
import { allocTyped, assertFinite, assertShape, dtypeOf, formatShape, shapeSize } from './shape.js';
import { Tensor, type BufferSlice } from './tensor.js';
import { Tuner, type TunerOptions } from './tuner.js';
import { BindGroupCache, UniformRing } from './bindings.js';
import { bindingResource, type Dispatch } from './dispatch.js';
import type { DispatchRecord } from './profiler.js';
import { DispatchTimer, type ProfileSession } from './timing.js';
import { BufferUsage, MapMode } from './usage.js';

export type { Dispatch, DispatchArg, DispatchCost } from './dispatch.js';

export interface EngineOptions {
  /** Dispatches recorded before the engine submits on its own (default 256). */
  maxDispatchesPerSubmit?: number;
  /** Print the final WGSL and overrides of every pipeline as it is compiled. */
  debugShaders?: boolean;
  /** Kernel variant tuning: on by default, `enabled: false` as LATENTGPU_TUNE=off; where results are kept. */
  tuning?: TunerOptions;
}

const STORAGE = BufferUsage.STORAGE | BufferUsage.COPY_SRC | BufferUsage.COPY_DST;
const STAGING = BufferUsage.MAP_READ | BufferUsage.COPY_DST;
const SCOPES: GPUErrorFilter[] = ['validation', 'out-of-memory', 'internal'];
const WRITE_CHUNK = 64 * 1024 * 1024;
/** Uniform bytes one batch may hold before it is submitted. */
const RING_BYTES = 256 * 1024;

/**
 * Owns one WebGPU device: pipeline cache, buffer pool and the command encoder being recorded.
 * Kernels record dispatches; the engine batches them into few submits, wraps each batch in error
 * scopes, and turns any GPU error into an exception at the next `sync`/`read`.
 */
export class Engine {
  readonly device: GPUDevice;
  readonly queue: GPUQueue;
  readonly kind: AdapterKind;
  readonly description: string;
  readonly isSoftware: boolean;
  readonly limits: GPUSupportedLimits;
  readonly pool: BufferPool;
  readonly pipelines: PipelineCache;
  readonly maxDispatchesPerSubmit: number;
  /** What differs between adapters (loop budget, barriers, subgroups, timestamps). */
  readonly traits: AdapterTraits;
  /** Chooses kernel variants by measuring them on this adapter. */
  readonly tuner: Tuner;

  private encoder: GPUCommandEncoder | null = null;
  private pass: GPUComputePassEncoder | null = null;
  private batchKernels: string[] = [];
  private dispatches = 0;
  /** Serial of the batch being recorded; submits complete in order. */
  private serial = 1;
  private completed = 0;
  private pendingChecks: Promise<GpuError | null>[] = [];
  private uncaptured: GpuError[] = [];
  private lostError: DeviceLostError | null = null;
  private disposed = false;
  private labelCounter = 0;
  private placeholder_: GPUBuffer | null = null;
  private readonly ring: UniformRing;
  private readonly bindGroups: BindGroupCache;
  private readonly timer: DispatchTimer;

  constructor(readonly context: GpuContext, options: EngineOptions = {}) {
    this.device = context.device;
    this.queue = this.device.queue;
    this.kind = context.kind;
    this.description = context.description;
    this.isSoftware = context.isSoftware;
    this.limits = this.device.limits;
    this.traits = adapterTraits(context.kind, context.isSoftware, this.device, context.description);
    this.tuner = new Tuner(this, options.tuning);
    this.maxDispatchesPerSubmit = options.maxDispatchesPerSubmit ?? 256;
    this.pool = new BufferPool(this.device, this.limits.maxBufferSize);
    const debug = options.debugShaders ?? (typeof process !== 'undefined' && process.env?.LATENTGPU_DEBUG_WGSL === '1');
    this.pipelines = new PipelineCache(this.device, debug, (check) => this.pendingChecks.push(check));
    this.ring = new UniformRing(this.device, RING_BYTES, this.limits.minUniformBufferOffsetAlignment);
    this.bindGroups = new BindGroupCache(this.device);
    this.timer = new DispatchTimer(this.device, this.pool, this.traits.timestamps, this.maxDispatchesPerSubmit);
    void this.device.lost.then((info) => {
      if (!this.disposed) this.lostError = new DeviceLostError(info.reason, info.message);
    });
    this.device.onuncapturederror = (ev: GPUUncapturedErrorEvent) => {
      this.uncaptured.push(new GpuError(errorKind(ev.error), [], ev.error.message));
    };
  }

  // ---- tensors -------------------------------------------------------------------------------

  /** Uploads data as a new tensor. Float data is checked for NaN/Inf unless `allowNonFinite`. */
  tensor(data: AnyTypedArray | number[], shape?: Shape, opts: { label?: string; allowNonFinite?: boolean } = {}): Tensor {
    this.assertAlive();
    const typed = Array.isArray(data) ? Float32Array.from(data) : data;
    const s = shape ?? [typed.length];
    const label = opts.label ?? this.nextLabel('tensor');
    assertShape(s, label);
    if (shapeSize(s) !== typed.length) {
      throw new ShapeError(`${label}: ${typed.length} values do not fill shape ${formatShape(s)} (${shapeSize(s)}).`);
    }
    const dtype = dtypeOf(typed);
    if (dtype === 'f32' && !opts.allowNonFinite) assertFinite(typed as Float32Array, shapeSize(s) / s[0], label);
    const t = this.empty(s, dtype, label);
    this.write(t, typed, 0);
    return t;
  }

  /** A tensor with unspecified contents. */
  empty<D extends DType = 'f32'>(shape: Shape, dtype: D = 'f32' as D, label = this.nextLabel('tensor')): Tensor<D> {
    this.assertAlive();
    assertShape(shape, label);
    const bytes = shapeSize(shape) * 4;
    const buffer = this.pool.acquire(bytes, STORAGE, label);
    return new Tensor(this, buffer, shape, dtype, label);
  }

  /** A tensor filled with zeros (recorded as a GPU clear, no upload). */
  zeros<D extends DType = 'f32'>(shape: Shape, dtype: D = 'f32' as D, label = this.nextLabel('zeros')): Tensor<D> {
    const t = this.empty(shape, dtype, label);
    this.clear(t);
    return t;
  }

  /** Records a zero fill of the whole tensor. */
  clear(t: Tensor): void {
    this.endPass();
    this.ensureEncoder().clearBuffer(t.buffer, 0, Math.ceil(t.bytes / 4) * 4);
  }

  /** Records a copy of `count` elements between tensors. */
  copy(src: Tensor, dst: Tensor, count = Math.min(src.size, dst.size), srcStart = 0, dstStart = 0): void {
    if (srcStart + count > src.size || dstStart + count > dst.size) {
      throw new ShapeError(`copy of ${count} elements does not fit ${src} → ${dst}.`);
    }
    this.endPass();
    this.ensureEncoder().copyBufferToBuffer(src.buffer, srcStart * 4, dst.buffer, dstStart * 4, count * 4);
  }

  write(t: Tensor, data: AnyTypedArray, start = 0): void {
    this.assertAlive();
    if (start + data.length > t.size) throw new ShapeError(`${data.length} values from ${start} do not fit ${t}.`);
    // Commands recorded but not submitted may still read this buffer: queue writes overtake them.
    if (this.dispatches > 0 || this.encoder) this.flush();
    const bytes = new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
    for (let off = 0; off < bytes.length; off += WRITE_CHUNK) {
      const part = bytes.subarray(off, Math.min(bytes.length, off + WRITE_CHUNK));
      this.queue.writeBuffer(t.buffer, start * 4 + off, part as Uint8Array<ArrayBuffer>);
    }
  }

  /** Reads `count` elements from `start` back to the CPU, after all recorded work. */
  async read(t: Tensor, start = 0, count = t.size - start): Promise<AnyTypedArray> {
    this.assertAlive();
    if (start < 0 || count < 0 || start + count > t.size) throw new ShapeError(`read ${start}+${count} outside ${t}.`);
    if (count === 0) return allocTyped(t.dtype, 0);
    const bytes = count * 4;
    const staging = this.pool.acquire(bytes, STAGING, `${t.label}.staging`);
    this.endPass();
    this.ensureEncoder().copyBufferToBuffer(t.buffer, start * 4, staging, 0, bytes);
    this.flush();
    try {
      await staging.mapAsync(MapMode.READ, 0, Math.ceil(bytes / 4) * 4);
    } catch (e) {
      await this.throwIfFailed();
      throw e;
    }
    const out = allocTyped(t.dtype, count);
    new Uint8Array(out.buffer).set(new Uint8Array(staging.getMappedRange(0, bytes)));
    staging.unmap();
    this.pool.release(staging, this.serial - 1);
    await this.throwIfFailed();
    return out;
  }

  /** A small buffer to bind where a kernel's optional input (a bias, say) is not used. */
  placeholder(): BufferSlice {
    this.placeholder_ ??= this.device.createBuffer({ size: 256, usage: STORAGE, label: 'placeholder' });
    return { buffer: this.placeholder_, offset: 0, size: 256 };
  }

  releaseBuffer(buffer: GPUBuffer): void {
    if (this.disposed) return;
    // Still needed by unsubmitted commands → free after the next submit; otherwise after the last one.
    const serial = this.encoder ? this.serial : this.serial - 1;
    this.pool.release(buffer, serial);
    if (serial <= this.completed) this.pool.retire(this.completed);
  }

  // ---- dispatch ------------------------------------------------------------------------------

  /** Records one dispatch of `spec`. Submits on its own every `maxDispatchesPerSubmit` dispatches. */
  dispatch(spec: KernelSpec, d: Dispatch): void {
    this.assertAlive();
    if (d.args.length !== spec.bindings.length) {
      throw new ShapeError(`${spec.name}: ${d.args.length} arguments for ${spec.bindings.length} bindings.`);
    }
    const [x, y = 1, z = 1] = d.workgroups;
    const maxWg = this.limits.maxComputeWorkgroupsPerDimension;
    if (x === 0 || y === 0 || z === 0) return;
    if (x > maxWg || y > maxWg || z > maxWg) {
      throw new LimitError(`${spec.name}: dispatch ${x}×${y}×${z} exceeds maxComputeWorkgroupsPerDimension (${maxWg}).`,
        'maxComputeWorkgroupsPerDimension', maxWg, Math.max(x, y, z));
    }
    const pipeline = this.pipelines.get(spec, d.overrides);
    const uniformBytes = d.args.reduce((n, a) => n + (a instanceof ArrayBuffer ? Math.ceil(a.byteLength / 256) * 256 : 0), 0);
    if (!this.ring.fits(uniformBytes)) this.flush();
    const offsets: number[] = [];
    const entries: GPUBindGroupEntry[] = d.args.map((arg, i) => ({ binding: i, resource: bindingResource(this.limits, this.ring, spec, i, arg, offsets) }));
    const layout = this.pipelines.layout(spec.bindings);
    const bindGroup = this.bindGroups.get(spec.name, layout.bindGroup, layout.key, entries);
    let record: DispatchRecord | undefined;
    if (this.timer.active) {
      const bound = entries.reduce((n, e) => n + ((e.resource as GPUBufferBinding).size ?? 0), 0);
      record = this.timer.record(spec, d.overrides, x * y * z, d.cost, bound);
      if (this.timer.timestamps) {
        // A pass per dispatch, timed at its start and end.
        this.endPass();
        this.pass = this.ensureEncoder().beginComputePass({ label: spec.name, timestampWrites: this.timer.passWrites(record) });
      }
    }
    if (!this.pass) this.pass = this.ensureEncoder().beginComputePass({ label: spec.name });
    this.pass.setPipeline(pipeline);
    this.pass.setBindGroup(0, bindGroup, offsets);
    this.pass.dispatchWorkgroups(x, y, z);
    if (this.batchKernels[this.batchKernels.length - 1] !== spec.name) this.batchKernels.push(spec.name);
    if (record && !this.timer.timestamps) { this.flush(record); return; }
    if (record) this.endPass();
    if (++this.dispatches >= this.maxDispatchesPerSubmit) this.flush();
  }

  /** Workgroup counts for `n` invocations of size `wg`, folded into y past the per-dimension limit. */
  grid(n: number, wg: number): [number, number] {
    const groups = Math.ceil(n / wg);
    const maxWg = this.limits.maxComputeWorkgroupsPerDimension;
    if (groups <= maxWg) return [Math.max(groups, 1), 1];
    const y = Math.ceil(groups / maxWg);
    return [Math.ceil(groups / y), y];
  }

  // ---- submission ----------------------------------------------------------------------------

  private ensureEncoder(): GPUCommandEncoder {
    if (!this.encoder) {
      for (const s of SCOPES) this.device.pushErrorScope(s);
      this.encoder = this.device.createCommandEncoder({ label: `batch#${this.serial}` });
    }
    return this.encoder;
  }

  private endPass(): void {
    if (this.pass) { this.pass.end(); this.pass = null; }
  }

  /** Submits everything recorded so far. Errors surface at the next `sync()` or `read()`. */
  flush(timedSubmit?: DispatchRecord): void {
    if (!this.encoder) return;
    this.endPass();
    const kernels = this.batchKernels;
    const readTimestamps = this.timer.resolve(this.encoder, this.serial);
    this.ring.upload(this.queue);
    const submitting = performance.now();
    this.queue.submit([this.encoder.finish()]);
    this.timer.submitted(this.queue, submitting, performance.now(), timedSubmit);
    readTimestamps?.();
    const pops = SCOPES.map(() => this.device.popErrorScope()).reverse();
    this.pendingChecks.push(Promise.all(pops).then((errs) => {
      const e = errs.find((x) => x);
      if (!e) return null;
      const named = kernels.filter((k) => e.message.includes(`"${k}`));
      return new GpuError(errorKind(e), named.length ? named : kernels, e.message);
    }));
    const serial = this.serial++;
    void this.queue.onSubmittedWorkDone().then(() => {
      this.completed = Math.max(this.completed, serial);
      this.pool.retire(this.completed);
    });
    this.encoder = null;
    this.batchKernels = [];
    this.dispatches = 0;
  }

  /**
   * Profiles the GPU work recorded until `stop()`: per stage and kernel the dispatches, invocations,
   * declared FLOPs and bytes, measured time, achieved rates and a roofline prediction for reference
   * GPUs. While on, timings cost a pass (timestamps) or a submit (no timestamps) per dispatch.
   */
  profile(): ProfileSession {
    this.flush();
    return this.timer.session(this.description, () => this.sync());
  }

  /** Submits, waits for the GPU to finish, and throws the first GPU error since the last check. */
  async sync(): Promise<void> {
    this.assertAlive();
    this.flush();
    await this.queue.onSubmittedWorkDone();
    await this.throwIfFailed();
  }

  private async throwIfFailed(): Promise<void> {
    const checks = this.pendingChecks;
    this.pendingChecks = [];
    const errors = (await Promise.all(checks)).filter((e): e is GpuError => e !== null);
    const first = errors[0] ?? this.uncaptured.shift();
    this.uncaptured = [];
    if (this.lostError) throw this.lostError;
    if (first) throw first;
  }

  private assertAlive(): void {
    if (this.disposed) throw new DisposedError('The engine was disposed.');
    if (this.lostError) throw this.lostError;
  }

  private nextLabel(prefix: string): string {
    return `${prefix}#${++this.labelCounter}`;
  }

  stats(): PoolStats & { pipelines: number; submitted: number; bindGroups: number; bindGroupsCreated: number; bindGroupsReused: number } {
    return { ...this.pool.stats(), pipelines: this.pipelines.size, submitted: this.serial - 1,
      bindGroups: this.bindGroups.size, bindGroupsCreated: this.bindGroups.created, bindGroupsReused: this.bindGroups.reused };
  }

  /** Frees every GPU resource and the device. The engine cannot be used afterwards. */
  dispose(): void {
    if (this.disposed) return;
    try { this.flush(); } catch { /* the device may be lost already */ }
    this.disposed = true;
    this.pool.destroyAll();
    this.placeholder_?.destroy();
    this.ring.destroy();
    this.bindGroups.clear();
    this.timer.destroy();
    this.pipelines.clear();
    this.context.release();
  }

  [Symbol.dispose](): void {
    this.dispose();
  }
}
