import { InvalidArgumentError, type Command } from 'commander';
import { formatBytes, InvalidInputError, LatentGpuError, LimitError } from '../engine/errors.js';
import type { Engine } from '../engine/engine.js';
import type { Tensor } from '../engine/tensor.js';
import { createEngine } from '../index.js';
import { parseAdapterChoice } from '../gpu/types.js';
import type { Dataset } from '../io/dataset.js';
import { loadDatasetAsync } from '../io/load.js';
import { sameFile } from '../io/write.js';
import type { Split } from '../io/fashion-mnist.js';
import { Reporter, round } from './progress.js';
import { formatProfile } from '../engine/profiler.js';
import { writeAtomic } from '../io/write.js';

/** Ctrl-C: the run stops at the next check, removes its temporary files and exits with 130. */
export class InterruptedError extends LatentGpuError {
  constructor() { super('interrupted.'); }
}

/** What a run gets from outside: the Ctrl-C signal and, in tests, an engine to share between runs. */
export interface CliEnv {
  signal: AbortSignal;
  engine?: () => Promise<Engine>;
}

/** Options every data command accepts. */
export interface CommonOptions {
  output?: string;
  format?: string;
  force?: boolean;
  plot?: string;
  labels?: string;
  ignore?: string[];
  split?: Split;
  limit?: number;
  dropInvalid?: boolean;
  /** --header / --no-header; undefined: decided from the cells. */
  header?: boolean;
  comment?: string;
  seed: number;
  adapter?: string;
  quiet?: boolean;
  json?: boolean;
  open?: boolean;
  /** False with --no-metrics. */
  metrics?: boolean;
  /** --profile: per-kernel GPU profile with roofline predictions (true: print it; a path: also write it as JSON). */
  profile?: boolean | string;
  /** ae, vae and anomalies: where the trained model goes (checked with the other outputs). */
  saveModel?: string;
}

export function parseIntOption(min: number, max = Number.MAX_SAFE_INTEGER) {
  return (value: string): number => {
    const v = Number(value);
    if (!Number.isInteger(v) || v < min || v > max) throw new InvalidArgumentError(`expected an integer from ${min}${max < 1e15 ? ` to ${max}` : ' up'}.`);
    return v;
  };
}

export function parseFloatOption(min: number) {
  return (value: string): number => {
    const v = Number(value);
    if (!Number.isFinite(v) || v < min) throw new InvalidArgumentError(`expected a number ≥ ${min}.`);
    return v;
  };
}

export function parseIntList(value: string): number[] {
  const parts = value.split(',').map((s) => Number(s.trim()));
  if (parts.length === 0 || parts.some((v) => !Number.isInteger(v) || v < 1)) {
    throw new InvalidArgumentError('expected positive integers separated by commas, e.g. 256,64.');
  }
  return parts;
}

/** Adds the input, output and run options shared by the data commands. */
export function addCommonOptions(cmd: Command, { output = true, plot = true } = {}): Command {
  cmd.option('--labels <column|file>', 'labels: a CSV/TSV column (name or 0-based number) or a file with one label per row (./NAME for a file named like a column)')
    .option('--ignore <columns>', 'CSV/TSV columns to leave out, e.g. id,name (names or 0-based numbers)', (v) => v.split(',').map((c) => c.trim()).filter(Boolean))
    .option('--split <split>', 'fashion-mnist split: train | test | all', (v) => {
      if (!['train', 'test', 'all'].includes(v)) throw new InvalidArgumentError('expected train, test or all.');
      return v;
    })
    .option('--limit <n>', 'use only the first N rows', parseIntOption(1))
    .option('--drop-invalid', 'skip rows with NaN, Inf or missing values instead of failing')
    .option('--header', 'CSV/TSV and label files: the first row names the columns (default: detected)')
    .option('--no-header', 'CSV/TSV and label files: the first row is data')
    .option('--comment <prefix>', 'CSV/TSV: skip rows that start with this text, e.g. "#" (off by default)');
  if (output) {
    cmd.option('-o, --output <path>', 'output file: .npy, .csv or .tsv (or a folder with --format projector); - or no -o: stdout (CSV unless --format)')
      .option('--format <format>', 'npy | csv | tsv | projector (TensorFlow Embedding Projector tensors.tsv + metadata.tsv)')
      .option('--force', 'overwrite existing output files');
  }
  if (plot) cmd.option('--no-metrics', 'skip the quality metrics computed when labels are given (10-NN accuracy, trustworthiness)');
  if (plot) cmd.option('--plot <png>', 'draw a scatter plot of the result (2-D, or the first three dimensions projected), coloured by label');
  return cmd.option('--seed <n>', 'random seed', parseIntOption(0, 2 ** 32 - 1), 1)
    .option('--adapter <kind>', 'auto | hardware | llvmpipe | swiftshader (env LATENTGPU_ADAPTER)')
    .option('-q, --quiet', 'no progress or messages on stderr')
    .option('--profile [json]', 'profile the GPU work per stage and kernel (time, GFLOP/s, GB/s, roofline for reference GPUs); print it, and write it as JSON to the path if given')
    .option('--json', 'JSON progress lines on stderr and a JSON summary on stdout');
}

/** Refuses data that cannot fit in one buffer of this adapter, naming the limit. */
export function assertFitsAdapter(rows: number, cols: number, limits: Pick<GPUSupportedLimits, 'maxBufferSize'>, what: string): void {
  const bytes = rows * cols * 4;
  if (bytes > limits.maxBufferSize) {
    throw new LimitError(`${what} (${rows}×${cols} float32, ${formatBytes(bytes)}) is more than this adapter can hold in one buffer ` +
      `(maxBufferSize ${formatBytes(limits.maxBufferSize)}); use --limit ${Math.floor(limits.maxBufferSize / (cols * 4))} or fewer rows` +
      (cols > 50 ? ', or reduce the columns first: latentgpu pca (which streams such data) --dims 50 -o reduced.npy.' : '.'),
    'maxBufferSize', limits.maxBufferSize, bytes);
  }
}

const UPLOAD_SLICE = 64 * 1024 * 1024;

/** One CLI run: progress, timing, the engine, the loaded data and the final summary. */
export class RunContext {
  readonly reporter: Reporter;
  readonly summary: Record<string, unknown> = {};
  private engine_?: Engine;
  private profiling?: ReturnType<Engine['profile']>;
  private ownsEngine = false;
  private readonly disposers: (() => void)[] = [];

  /** Memory high-water marks at the end of each stage. */
  private readonly memoryByStage: Record<string, { peak_rss_bytes: number; gpu_bytes: number; peak_gpu_bytes: number }> = {};

  constructor(readonly command: string, readonly opts: Partial<CommonOptions>, readonly env: CliEnv) {
    this.reporter = new Reporter({ quiet: opts.quiet, json: opts.json });
    this.summary.command = command;
    this.reporter.onStageEnd = (name) => {
      const gpu = this.engine_?.stats();
      this.memoryByStage[name] = { peak_rss_bytes: peakRss(), gpu_bytes: gpu?.allocatedBytes ?? 0, peak_gpu_bytes: gpu?.peakAllocatedBytes ?? 0 };
    };
  }

  /**
   * Peak host RSS and GPU bytes of the run, in all and per input point. The GPU figure is the
   * engine's buffer pool high-water mark (buffers in use plus those kept for reuse); on a software
   * adapter those buffers live in host memory and are part of the RSS too.
   */
  memorySummary(): Record<string, unknown> {
    const points = (this.summary.input as { rows?: number } | undefined)?.rows;
    const rss = peakRss();
    const gpu = this.engine_?.stats().peakAllocatedBytes ?? 0;
    const perPoint = (b: number) => (points ? Math.round(b / points) : undefined);
    return {
      peak_rss_bytes: rss, peak_gpu_bytes: gpu, points,
      rss_bytes_per_point: perPoint(rss), gpu_bytes_per_point: perPoint(gpu),
      gpu_memory_is_host_memory: this.engine_?.isSoftware,
      stages: this.memoryByStage,
    };
  }

  get signal(): AbortSignal {
    return this.env.signal;
  }

  /** Throws InterruptedError once Ctrl-C was pressed. */
  checkAbort(): void {
    if (this.signal.aborted) throw new InterruptedError();
  }

  async engine(): Promise<Engine> {
    if (!this.engine_) {
      this.ownsEngine = !this.env.engine;
      this.engine_ = await this.reporter.stage('adapter', () => this.env.engine?.() ?? createEngine({
        adapter: this.opts.adapter ? parseAdapterChoice(this.opts.adapter) : undefined,
        onWarning: (m) => this.reporter.note(m),
      }));
      this.summary.adapter = { kind: this.engine_.kind, description: this.engine_.description };
      if (this.opts.profile) {
        const profiling = this.profiling = this.engine_.profile();
        this.reporter.onStage = (name) => profiling.stage(name);
      }
    }
    return this.engine_;
  }

  load(input: string): Promise<Dataset> {
    // An output that is also an input would be replaced by the result: refuse before reading.
    for (const [flag, out] of [['-o', this.opts.output], ['--plot', this.opts.plot]] as const) {
      for (const src of [input, this.opts.labels]) {
        if (out !== undefined && src !== undefined && out !== '-' && src !== '-' && sameFile(src, out)) {
          throw new InvalidInputError(`${flag} ${out} is also an input (${src}); write the result to another file.`);
        }
      }
    }
    return this.reporter.stage('load', async (p) => {
      const ds = await loadDatasetAsync(input, {
        labels: this.opts.labels, ignoreColumns: this.opts.ignore, split: this.opts.split, limit: this.opts.limit, dropInvalid: this.opts.dropInvalid,
        header: this.opts.header, comment: this.opts.comment, stream: true,
        onProgress: (done, total) => p.update(done, total || undefined), onNote: (m) => this.reporter.note(m),
      });
      this.summary.input = { name: ds.name, format: ds.format, rows: ds.n, cols: ds.d, dropped: ds.dropped, labelled: !!ds.labels };
      if (ds.dropped) this.reporter.note(`${ds.name}: skipped ${ds.dropped} row${ds.dropped > 1 ? 's' : ''} with NaN, Inf or missing values.`);
      return ds;
    });
  }

  /** Uploads a matrix, first checking that it fits the adapter. */
  async upload(x: Float32Array, rows: number, cols: number, label: string): Promise<Tensor> {
    const engine = await this.engine();
    assertFitsAdapter(rows, cols, engine.limits, label);
    return this.track(engine.tensor(x, [rows, cols], { label }));
  }

  /**
   * Uploads a dataset's matrix in 64 MiB slices, straight from its file when it is still there
   * (`Dataset.source`), so the host never holds a second full copy; every 1 GiB it waits for the
   * queue, so that adapters which stage writes (Vulkan, D3D, Metal) free the staging as it goes.
   */
  async uploadDataset(ds: Dataset, sliceBytes = UPLOAD_SLICE): Promise<Tensor> {
    const engine = await this.engine();
    assertFitsAdapter(ds.n, ds.d, engine.limits, ds.name);
    const t = this.track(engine.empty([ds.n, ds.d], 'f32', ds.name));
    const per = Math.max(1, Math.floor(sliceBytes / 4 / ds.d));
    const buffer = ds.source ? new Float32Array(Math.min(ds.n, per) * ds.d) : undefined;
    for (let r = 0, slices = 1; r < ds.n; r += per, slices++) {
      const k = Math.min(per, ds.n - r);
      if (buffer) ds.source!.read(r, k, buffer);
      engine.write(t, buffer ? buffer.subarray(0, k * ds.d) : ds.x.subarray(r * ds.d, (r + k) * ds.d), r * ds.d);
      if (slices % 16 === 0) await engine.queue.onSubmittedWorkDone();
      this.checkAbort();
    }
    return t;
  }

  /** Disposes `t` when the run ends. */
  track<T extends { dispose(): void }>(t: T): T {
    this.disposers.push(() => t.dispose());
    return t;
  }

  /** Prints the summary: one JSON line on stdout with --json, else one line on stderr. */
  finish(human: string): void {
    this.summary.stages = this.reporter.timings;
    this.summary.total_s = this.reporter.elapsed();
    this.summary.memory = this.memorySummary();
    if (this.profiling) {
      const report = this.profiling.snapshot();
      this.summary.profile = { total_predicted_ms: report.total, stages: report.stages };
      if (typeof this.opts.profile === 'string') {
        const text = JSON.stringify(report, null, 1) + '\n';
        writeAtomic(this.opts.profile, (append) => append(text), this.opts.force);
      }
      if (!this.opts.quiet && !this.opts.json) process.stderr.write(formatProfile(report) + '\n');
    }
    if (this.opts.json) process.stdout.write(JSON.stringify(this.summary) + '\n');
    else this.reporter.note(`${human} (${round(this.reporter.elapsed(), 1)} s: ${Object.entries(this.reporter.timings).map(([k, v]) => `${k} ${round(v, 1)} s`).join(', ')})`);
  }

  dispose(): void {
    for (const d of this.disposers.reverse()) { try { d(); } catch { /* already gone */ } }
    this.disposers.length = 0;
    if (this.ownsEngine) this.engine_?.dispose();
    this.engine_ = undefined;
  }
}

/** The process's peak resident set size so far, in bytes. */
function peakRss(): number {
  return process.resourceUsage().maxRSS * 1024;
}
