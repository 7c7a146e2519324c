import type { BufferPool } from './pool.js';
import { Profiler, summarise, workgroupInvocations, type DispatchRecord, type ProfileReport } from './profiler.js';
import type { KernelSpec, OverrideValues } from './kernel.js';
import { BufferUsage, MapMode } from './usage.js';

/** A profiling session: name stages, stop for the report, or look at it so far. */
export interface ProfileSession {
  stage(name: string): void;
  stop(): Promise<ProfileReport>;
  snapshot(): ProfileReport;
}

/**
 * The engine's side of profiling: records each dispatch while a profile is on and times it, with
 * timestamp queries (a pass per dispatch) where the device has them, else by its own submit. Dawn's
 * GL backend (llvmpipe) runs the work inside `submit()`; an asynchronous queue finishes it later, so
 * a dispatch's time is the submit call plus the wait for completion beyond anything submitted since
 * (completions of a burst of submits arrive together).
 */
export class DispatchTimer {
  readonly profiler: Profiler;
  private timed: DispatchRecord[] = [];
  private querySet: GPUQuerySet | null = null;
  private lastDone = 0;
  private lastSubmitEnd = 0;

  constructor(private readonly device: GPUDevice, private readonly pool: BufferPool,
    readonly timestamps: boolean, private readonly maxPerSubmit: number) {
    this.profiler = new Profiler(timestamps ? 'timestamp-query' : 'submit');
  }

  get active(): boolean {
    return this.profiler.active;
  }

  /** Notes one dispatch of `spec` (bindings of `boundBytes` in all when it declares no cost). */
  record(spec: KernelSpec, overrides: OverrideValues | undefined, workgroups: number,
    cost: { flops: number; bytes: number } | undefined, boundBytes: number): DispatchRecord {
    return this.profiler.record(spec.name, workgroups, workgroups * workgroupInvocations(spec, overrides),
      cost?.flops, cost?.bytes ?? 0, boundBytes);
  }

  /** Timestamp writes for the pass that holds `record`'s dispatch alone. */
  passWrites(record: DispatchRecord): GPUComputePassTimestampWrites {
    this.querySet ??= this.device.createQuerySet({ type: 'timestamp', count: 2 * this.maxPerSubmit });
    const q = 2 * this.timed.length;
    this.timed.push(record);
    return { querySet: this.querySet, beginningOfPassWriteIndex: q, endOfPassWriteIndex: q + 1 };
  }

  /**
   * Records the resolve of the batch's timestamp queries into `encoder` (before it is finished);
   * after the submit of batch `serial`, the returned function reads them into the records.
   */
  resolve(encoder: GPUCommandEncoder, serial: number): (() => void) | null {
    if (!this.timed.length || !this.querySet) return null;
    const records = this.timed;
    this.timed = [];
    const bytes = records.length * 16;
    const resolve = this.pool.acquire(bytes, BufferUsage.QUERY_RESOLVE | BufferUsage.COPY_SRC, 'profile.resolve');
    const staging = this.pool.acquire(bytes, BufferUsage.MAP_READ | BufferUsage.COPY_DST, 'profile.staging');
    encoder.resolveQuerySet(this.querySet, 0, records.length * 2, resolve, 0);
    encoder.copyBufferToBuffer(resolve, 0, staging, 0, bytes);
    return () => this.profiler.wait((async () => {
      await staging.mapAsync(MapMode.READ, 0, bytes);
      const t = new BigInt64Array(staging.getMappedRange(0, bytes).slice(0));
      staging.unmap();
      records.forEach((r, i) => { r.ms = Number(t[2 * i + 1] - t[2 * i]) / 1e6; });
      this.pool.release(resolve, serial);
      this.pool.release(staging, serial);
    })());
  }

  /** Called around every submit; `record` is the one dispatch of a submit timed without timestamps. */
  submitted(queue: GPUQueue, submitting: number, submitted: number, record?: DispatchRecord): void {
    this.lastSubmitEnd = submitted;
    if (!record) return;
    record.ms = submitted - submitting;
    this.profiler.wait(queue.onSubmittedWorkDone().then(() => {
      const done = performance.now();
      record.ms += Math.max(0, done - Math.max(submitted, this.lastDone, this.lastSubmitEnd));
      this.lastDone = done;
    }));
  }

  /** Starts a session; `sync` waits for the GPU before the report. */
  session(adapter: string, sync: () => Promise<void>): ProfileSession {
    this.profiler.start();
    return {
      stage: (name) => this.profiler.stage(name),
      snapshot: () => summarise(adapter, this.profiler.timing, this.profiler.records),
      stop: async () => {
        await sync();
        return this.profiler.report(adapter);
      },
    };
  }

  destroy(): void {
    this.querySet?.destroy();
  }
}
