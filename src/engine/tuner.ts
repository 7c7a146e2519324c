import type { AdapterTraits } from '../gpu/traits.js';
import type { Engine } from './engine.js';
import { InvalidInputError } from './errors.js';

/**
 * One way of computing an op: a WGSL kernel (or a sequence of them) with its parameters fixed, e.g.
 * `matmul/tiled-64x64` or `matmul/rows-vec4`. `applies` says whether it can run a shape on an adapter.
 */
export interface Variant<S> {
  readonly name: string;
  applies(traits: AdapterTraits, shape: S): boolean;
}

/** Records runs of each variant on inputs of one shape class and reads one's output back. */
export interface VariantTrial {
  /** Records one run of `variant` (no submit). */
  run(variant: string): void;
  /** The output of the last run, for the correctness check against the fallback variant. */
  output(): Promise<Float32Array>;
  dispose(): void;
}

/**
 * An op with several variants. The tuner measures the variants that apply on the adapter at hand,
 * once per adapter, driver and shape class, and keeps the fastest one that computes the same result
 * as the fallback (the variant the adapter kind would use untuned).
 */
export interface VariantFamily<S> {
  readonly name: string;
  readonly variants: readonly Variant<S>[];
  /** A bucket of shapes that share a winner, e.g. `M:2^14 N:64 K:2^10`. */
  shapeClass(shape: S): string;
  /** The variant used untuned (LATENTGPU_TUNE=off, or before tuning), by adapter kind and shape. */
  fallback(traits: AdapterTraits, shape: S): string;
  /** Inputs representative of the shape's class, small enough that one run takes milliseconds. */
  trial(engine: Engine, shape: S): VariantTrial;
}

/** Where tuning results live between runs: a file in Node, IndexedDB in the browser. */
export interface TuneStore {
  load(): Promise<Record<string, string>>;
  save(entries: Record<string, string>): Promise<void>;
}

/** A measured candidate. */
export interface TuneRow {
  family: string;
  shapeClass: string;
  variant: string;
  /** Milliseconds per run; NaN when it was rejected. */
  ms: number;
  /** Why a candidate was rejected (wrong result, failed to compile). */
  rejected?: string;
  chosen: boolean;
}

/**
 * Milliseconds per run of what `record` records, over `runs` runs after the caller's warm-up: the wall
 * time from an idle queue to the completion of everything recorded (submitted in batches as usual).
 */
export async function timeRuns(engine: Engine, record: () => void, runs: number): Promise<number> {
  await engine.sync();
  const t0 = performance.now();
  for (let i = 0; i < runs; i++) record();
  await engine.sync();
  return (performance.now() - t0) / runs;
}

/** Log₂ bucket of a size, so shapes within a factor of two share a tuning result. */
export function log2Class(n: number): number {
  return n <= 1 ? 0 : Math.round(Math.log2(n));
}

function parseForced(spec: string | undefined): Map<string, string> {
  const out = new Map<string, string>();
  for (const part of (spec ?? '').split(',').map((s) => s.trim()).filter(Boolean)) {
    const [family, variant] = part.split('=');
    if (!family || !variant) throw new InvalidInputError(`LATENTGPU_VARIANT: "${part}" is not family=variant (e.g. matmul=tiled).`);
    out.set(family, variant);
  }
  return out;
}

function env(name: string): string | undefined {
  return typeof process !== 'undefined' ? process.env?.[name] : undefined;
}

export interface TunerOptions {
  /** false: per-adapter-kind fallbacks only (LATENTGPU_TUNE=off). */
  enabled?: boolean;
  store?: TuneStore;
  /** Runs timed per candidate (default 3, after one warm-up run). */
  repetitions?: number;
  /** Measure again even where the store has a winner (`latentgpu tune --reset`). */
  remeasure?: boolean;
}

/**
 * Chooses kernel variants. `choose` is synchronous and never measures: it returns a forced variant,
 * else a tuned winner, else the fallback. `tune` measures (async) and is called at the async entry
 * points of the models and by `latentgpu tune`, so that the first use of a shape class on an adapter
 * is measured once and every later use is a map lookup.
 */
export class Tuner {
  readonly enabled: boolean;
  private readonly forced: Map<string, string>;
  private winners = new Map<string, string>();
  private readonly measured = new Set<string>();
  private loaded: Promise<void> | null = null;
  private readonly repetitions: number;
  readonly rows: TuneRow[] = [];

  constructor(private readonly engine: Engine, private readonly options: TunerOptions = {}) {
    this.enabled = options.enabled ?? env('LATENTGPU_TUNE') !== 'off';
    this.forced = parseForced(env('LATENTGPU_VARIANT'));
    this.repetitions = options.repetitions ?? 3;
  }

  /** Forces `variant` for `family` (tests run every variant this way); `undefined` lifts it. */
  force(family: string, variant: string | undefined): void {
    if (variant === undefined) this.forced.delete(family);
    else this.forced.set(family, variant);
  }

  private key<S>(family: VariantFamily<S>, shape: S): string {
    return `${this.engine.traits.key}|${family.name}|${family.shapeClass(shape)}`;
  }

  choose<S>(family: VariantFamily<S>, shape: S): string {
    const traits = this.engine.traits;
    const forced = this.forced.get(family.name);
    if (forced) {
      const v = family.variants.find((x) => x.name === forced);
      if (!v) throw new InvalidInputError(`${family.name}: no variant "${forced}" (have ${family.variants.map((x) => x.name).join(', ')}).`);
      if (v.applies(traits, shape)) return forced;
    }
    const won = this.enabled ? this.winners.get(this.key(family, shape)) : undefined;
    if (won && family.variants.some((v) => v.name === won && v.applies(traits, shape))) return won;
    return family.fallback(traits, shape);
  }

  private async load(): Promise<void> {
    this.loaded ??= (async () => {
      if (!this.options.store) return;
      try {
        for (const [k, v] of Object.entries(await this.options.store.load())) this.winners.set(k, v);
      } catch { /* an unreadable cache is an empty one */ }
    })();
    return this.loaded;
  }

  /**
   * Measures the variants of `family` that apply to `shape` on this adapter (unless already known),
   * and keeps the fastest correct one. Returns the chosen variant.
   */
  async tune<S>(family: VariantFamily<S>, shape: S): Promise<string> {
    if (!this.enabled || this.forced.has(family.name)) return this.choose(family, shape);
    await this.load();
    const key = this.key(family, shape);
    if (this.measured.has(key) || (!this.options.remeasure && this.winners.has(key))) return this.choose(family, shape);
    this.measured.add(key);
    const traits = this.engine.traits;
    const candidates = family.variants.filter((v) => v.applies(traits, shape)).map((v) => v.name);
    const fallback = family.fallback(traits, shape);
    if (candidates.length <= 1) { this.winners.set(key, fallback); return this.choose(family, shape); }
    const trial = family.trial(this.engine, shape);
    const cls = family.shapeClass(shape);
    const rows: TuneRow[] = [];
    try {
      trial.run(fallback);
      const reference = await trial.output();
      for (const name of [fallback, ...candidates.filter((c) => c !== fallback)]) {
        try {
          trial.run(name); // warm-up: compiles the pipeline
          if (name !== fallback) {
            const why = compare(await trial.output(), reference);
            if (why) { rows.push({ family: family.name, shapeClass: cls, variant: name, ms: NaN, rejected: why, chosen: false }); continue; }
          }
          const ms = await timeRuns(this.engine, () => trial.run(name), this.repetitions);
          rows.push({ family: family.name, shapeClass: cls, variant: name, ms, chosen: false });
        } catch (e) {
          rows.push({ family: family.name, shapeClass: cls, variant: name, ms: NaN, rejected: (e as Error).message.split('\n')[0], chosen: false });
        }
      }
    } finally {
      trial.dispose();
    }
    const best = rows.filter((r) => !r.rejected).sort((a, b) => a.ms - b.ms)[0];
    const winner = best?.variant ?? fallback;
    for (const r of rows) r.chosen = r.variant === winner;
    this.rows.push(...rows);
    this.winners.set(key, winner);
    if (this.options.store) {
      try { await this.options.store.save(Object.fromEntries(this.winners)); } catch { /* read-only cache: keep in memory */ }
    }
    return winner;
  }

}

/** Why `got` is not `want` within float32 rounding of a different summation order, or undefined. */
function compare(got: Float32Array, want: Float32Array): string | undefined {
  if (got.length !== want.length) return `wrong length ${got.length}, want ${want.length}`;
  let scale = 0;
  for (const w of want) scale = Math.max(scale, Math.abs(w));
  const tol = 1e-4 * scale + 1e-6;
  for (let i = 0; i < got.length; i++) {
    const d = Math.abs(got[i] - want[i]);
    if (!(d <= tol)) return `wrong result at ${i}: ${got[i]} instead of ${want[i]}`;
  }
  return undefined;
}
