import type { KernelSpec, OverrideValues } from './kernel.js';
import { predictDispatch, REFERENCE_GPUS, tooSmall, type Bound } from './roofline.js';

/** One recorded dispatch. `ms` is NaN until its timing arrives. */
export interface DispatchRecord {
  kernel: string;
  stage: string;
  workgroups: number;
  invocations: number;
  flops: number;
  bytes: number;
  /** Whether the kernel declared its cost (else bytes are the bound bytes and FLOPs 0). */
  declared: boolean;
  ms: number;
}

/** One kernel within one stage, summed over its dispatches. */
export interface ProfileRow {
  stage: string;
  kernel: string;
  dispatches: number;
  invocationsPerDispatch: number;
  flops: number;
  bytes: number;
  declared: boolean;
  /** Measured milliseconds on this adapter. */
  ms: number;
  gflops: number;
  gbs: number;
  /** Predicted milliseconds on each reference GPU, by name. */
  predicted: Record<string, { ms: number; bound: Bound; small: boolean }>;
}

export interface StageSummary {
  stage: string;
  ms: number;
  /** Predicted milliseconds on each reference GPU and the kernel that dominates it there. */
  predicted: Record<string, { ms: number; dominant: string }>;
}

export interface ProfileReport {
  adapter: string;
  timing: 'timestamp-query' | 'submit';
  rows: ProfileRow[];
  stages: StageSummary[];
  /** Predicted end-to-end milliseconds on each reference GPU. */
  total: Record<string, number>;
  measuredMs: number;
}

const sizeCache = new Map<string, number>();

/** Invocations per workgroup of `spec` with `overrides`, read from its `@workgroup_size`. */
export function workgroupInvocations(spec: KernelSpec, overrides: OverrideValues = {}): number {
  const key = `${spec.name}#${spec.entryPoint ?? 'main'}#${JSON.stringify(overrides)}`;
  let n = sizeCache.get(key);
  if (n !== undefined) return n;
  const entry = spec.entryPoint ?? 'main';
  const m = new RegExp(`@workgroup_size\\(([^)]*)\\)\\s*fn\\s+${entry}\\b`).exec(spec.code) ??
    /@workgroup_size\(([^)]*)\)/.exec(spec.code);
  n = 1;
  for (const part of (m?.[1] ?? '1').split(',').map((s) => s.trim()).filter(Boolean)) {
    n *= valueOf(part, spec.code, overrides);
  }
  sizeCache.set(key, n);
  return n;
}

function valueOf(expr: string, code: string, overrides: OverrideValues): number {
  const lit = /^(\d+)u?$/.exec(expr);
  if (lit) return Number(lit[1]);
  if (expr in overrides) return overrides[expr];
  const decl = new RegExp(`(?:override|const)\\s+${expr}\\s*(?::\\s*\\w+)?\\s*=\\s*(\\d+)u?`).exec(code);
  return decl ? Number(decl[1]) : 1;
}

/**
 * Collects what every dispatch computes, moves and takes while active. Timings come from
 * timestamp queries where the adapter has them (a pass per dispatch), else from one submit per
 * dispatch timed to `onSubmittedWorkDone` (which adds the submit's overhead to each).
 */
export class Profiler {
  active = false;
  private stageName = 'run';
  readonly records: DispatchRecord[] = [];
  private readonly pending: Promise<void>[] = [];

  constructor(readonly timing: 'timestamp-query' | 'submit') {}

  start(): void {
    this.active = true;
    this.records.length = 0;
  }

  /** Names the stage that later dispatches belong to (e.g. `pca`, `knn`, `tsne`). */
  stage(name: string): void {
    this.stageName = name;
  }

  record(kernel: string, workgroups: number, invocations: number, flops: number | undefined, bytes: number, boundBytes: number): DispatchRecord {
    const r: DispatchRecord = {
      kernel, stage: this.stageName, workgroups, invocations,
      flops: flops ?? 0, bytes: flops === undefined ? boundBytes : bytes, declared: flops !== undefined, ms: NaN,
    };
    this.records.push(r);
    return r;
  }

  /** A timing that arrives later (a mapped query buffer, a finished submit). */
  wait(p: Promise<void>): void {
    this.pending.push(p);
  }

  /** Stops collecting and summarises. */
  async report(adapter: string): Promise<ProfileReport> {
    await Promise.all(this.pending.splice(0));
    this.active = false;
    return summarise(adapter, this.timing, this.records);
  }
}

export function summarise(adapter: string, timing: ProfileReport['timing'], records: readonly DispatchRecord[]): ProfileReport {
  const rows = new Map<string, ProfileRow & { invocations: number }>();
  for (const r of records) {
    const key = `${r.stage}\u0000${r.kernel}`;
    let row = rows.get(key);
    if (!row) {
      row = { stage: r.stage, kernel: r.kernel, dispatches: 0, invocations: 0, invocationsPerDispatch: 0, flops: 0, bytes: 0,
        declared: true, ms: 0, gflops: 0, gbs: 0, predicted: {} };
      for (const g of REFERENCE_GPUS) row.predicted[g.name] = { ms: 0, bound: 'launch', small: false };
      rows.set(key, row);
    }
    row.dispatches++;
    row.invocations += r.invocations;
    row.flops += r.flops;
    row.bytes += r.bytes;
    row.declared &&= r.declared;
    row.ms += Number.isFinite(r.ms) ? r.ms : 0;
    for (const g of REFERENCE_GPUS) {
      const p = predictDispatch(g, r.flops, r.bytes, r.invocations);
      const slot = row.predicted[g.name];
      slot.ms += p.seconds * 1e3;
      slot.small ||= tooSmall(g, r.invocations);
    }
  }
  const out: ProfileRow[] = [];
  for (const row of rows.values()) {
    row.invocationsPerDispatch = Math.round(row.invocations / row.dispatches);
    row.gflops = row.ms > 0 ? row.flops / row.ms / 1e6 : 0;
    row.gbs = row.ms > 0 ? row.bytes / row.ms / 1e6 : 0;
    for (const g of REFERENCE_GPUS) {
      const p = predictDispatch(g, row.flops / row.dispatches, row.bytes / row.dispatches, row.invocationsPerDispatch);
      row.predicted[g.name].bound = p.bound;
    }
    const { invocations: _, ...plain } = row;
    out.push(plain);
  }
  const stages: StageSummary[] = [];
  for (const name of [...new Set(out.map((r) => r.stage))]) {
    const mine = out.filter((r) => r.stage === name);
    const predicted: StageSummary['predicted'] = {};
    for (const g of REFERENCE_GPUS) {
      const top = mine.reduce((a, b) => (b.predicted[g.name].ms > a.predicted[g.name].ms ? b : a));
      predicted[g.name] = { ms: mine.reduce((s, r) => s + r.predicted[g.name].ms, 0), dominant: top.kernel };
    }
    stages.push({ stage: name, ms: mine.reduce((s, r) => s + r.ms, 0), predicted });
  }
  const total: Record<string, number> = {};
  for (const g of REFERENCE_GPUS) total[g.name] = stages.reduce((s, st) => s + st.predicted[g.name].ms, 0);
  return { adapter, timing, rows: out, stages, total, measuredMs: out.reduce((s, r) => s + r.ms, 0) };
}

function fmt(x: number, digits = 3): string {
  if (x === 0) return '0';
  if (x >= 1000) return x.toFixed(0);
  return x.toPrecision(digits);
}

/** The report as a plain-text table: per stage and kernel, then stage totals per reference GPU. */
export function formatProfile(p: ProfileReport): string {
  const gpus = REFERENCE_GPUS.map((g) => g.name);
  const head = ['stage', 'kernel', 'disp', 'inv/disp', 'GFLOP', 'GB', 'ms', 'GFLOP/s', 'GB/s', ...gpus.map((g) => `${g} ms`)];
  const lines = [head];
  for (const r of p.rows) {
    lines.push([r.stage, r.kernel + (r.declared ? '' : ' (cost undeclared)'), String(r.dispatches), String(r.invocationsPerDispatch),
      fmt(r.flops / 1e9), fmt(r.bytes / 1e9), fmt(r.ms), fmt(r.gflops), fmt(r.gbs),
      ...gpus.map((g) => `${fmt(r.predicted[g].ms)} ${r.predicted[g].bound[0]}${r.predicted[g].small ? '!' : ''}`)]);
  }
  const widths = head.map((_, i) => Math.max(...lines.map((l) => l[i].length)));
  const table = lines.map((l) => l.map((c, i) => (i < 2 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join('  ')).join('\n');
  const stageLines = p.stages.map((s) => `  ${s.stage}: measured ${fmt(s.ms)} ms; predicted ` +
    gpus.map((g) => `${g} ${fmt(s.predicted[g].ms)} ms (${s.predicted[g].dominant})`).join(', '));
  return `profile on ${p.adapter} (timing: ${p.timing})\n${table}\n` +
    'predicted: c = compute-bound, m = memory-bound, l = launch-bound; ! = too few invocations to fill that GPU\n' +
    `stages:\n${stageLines.join('\n')}\n` +
    `total: measured ${fmt(p.measuredMs)} ms; predicted ${gpus.map((g) => `${g} ${fmt(p.total[g])} ms`).join(', ')}`;
}
