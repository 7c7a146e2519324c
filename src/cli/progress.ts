import cliProgress from 'cli-progress';

/** Reports progress within one stage; `total` may be set late (e.g. once the data is read). */
export interface StageProgress {
  update(value: number, total?: number, extra?: Record<string, number | string>): void;
}

export interface ReporterOptions {
  quiet?: boolean;
  json?: boolean;
  /** Where bars and JSON progress lines go (stderr). */
  stream?: NodeJS.WriteStream | { write(s: string): unknown; isTTY?: boolean };
  now?: () => number;
}

/**
 * Progress for the CLI's long stages: a bar with ETA on a terminal, nothing when stderr is not a
 * terminal or with --quiet, and JSON lines (`{"event": "progress", …}`) with --json. Also times
 * every stage for the final summary.
 */
export class Reporter {
  readonly timings: Record<string, number> = {};
  private readonly stream: NonNullable<ReporterOptions['stream']>;
  private readonly now: () => number;
  readonly started: number;
  /** Told the name of each stage as it starts (the profiler files GPU work under it). */
  onStage?: (name: string) => void;
  /** Told the name of each stage as it ends (memory high-water marks are taken then). */
  onStageEnd?: (name: string) => void;

  constructor(private readonly opts: ReporterOptions = {}) {
    this.stream = opts.stream ?? process.stderr;
    this.now = opts.now ?? (() => performance.now());
    this.started = this.now();
  }

  get bars(): boolean {
    return !this.opts.quiet && !this.opts.json && this.stream.isTTY === true;
  }

  /** A human line on stderr (not with --quiet or --json). */
  note(message: string): void {
    if (!this.opts.quiet && !this.opts.json) this.stream.write(message + '\n');
  }

  /** A JSON event line on stderr with --json. */
  event(obj: Record<string, unknown>): void {
    if (this.opts.json) this.stream.write(JSON.stringify(obj) + '\n');
  }

  /** Runs one named stage, showing its progress and recording its time in seconds. */
  async stage<T>(name: string, fn: (p: StageProgress) => Promise<T> | T): Promise<T> {
    this.onStage?.(name);
    const t0 = this.now();
    let bar: cliProgress.SingleBar | undefined;
    let lastEvent = -Infinity;
    let extraKeys: string[] = [];
    // The ETA is the rate since the first update: setup before it (compiling, uploading,
    // affinities) is not work the remaining units will repeat.
    let origin: { t: number; value: number } | undefined;
    const progress: StageProgress = {
      update: (value, total, extra = {}) => {
        if (this.bars) {
          if (!bar && total) {
            extraKeys = Object.keys(extra);
            const tail = extraKeys.map((k) => ` ${k} {${k}}`).join('');
            bar = new cliProgress.SingleBar({
              format: `${name.padEnd(12)} [{bar}] {percentage}% | {value}/{total} | ETA {eta_formatted}${tail}`,
              stream: this.stream as NodeJS.WritableStream, hideCursor: true, clearOnComplete: false, etaBuffer: 20, fps: 8,
            }, cliProgress.Presets.shades_classic);
            bar.start(total, value, extra);
          } else if (bar) {
            if (total && total !== bar.getTotal()) bar.setTotal(total);
            bar.update(value, extra);
          }
        }
        const t = this.now();
        if (!origin) origin = { t, value };
        if (this.opts.json && (t - lastEvent > 250 || (total !== undefined && value >= total))) {
          lastEvent = t;
          const elapsed = (t - t0) / 1000;
          const rate = value > origin.value ? (value - origin.value) / ((t - origin.t) / 1000) : undefined;
          const eta = total && value >= total ? 0 : total && rate ? (total - value) / rate : undefined;
          this.event({ event: 'progress', stage: name, value, total, elapsed_s: round(elapsed), eta_s: eta === undefined ? undefined : round(eta), ...extra });
        }
      },
    };
    try {
      return await fn(progress);
    } finally {
      bar?.stop();
      const seconds = (this.now() - t0) / 1000;
      this.timings[name] = round((this.timings[name] ?? 0) + seconds);
      this.onStageEnd?.(name);
      this.event({ event: 'stage', stage: name, seconds: round(seconds) });
    }
  }

  elapsed(): number {
    return round((this.now() - this.started) / 1000);
  }
}

export function round(v: number, digits = 3): number {
  const f = 10 ** digits;
  return Math.round(v * f) / f;
}
