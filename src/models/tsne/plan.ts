import { formatBytes, LimitError } from '../../engine/errors.js';
import { SELL_CHUNK } from '../../kernels/tsne_attractive.js';

/** What a plan needs of an engine: its limits (a test can fake them). */
export interface PlanEngine { limits: Pick<GPUSupportedLimits, 'maxStorageBufferBindingSize' | 'maxBufferSize' | 'minStorageBufferOffsetAlignment'> }

/** One stage of a run: bytes it holds at its peak on the GPU and on the host, and how its work is split. */
export interface StagePlan {
  stage: string;
  gpuBytes: number;
  hostBytes: number;
  /** Dispatches (row chunks, edge groups) one pass of the stage's biggest kernel is split into. */
  splits: number;
}

export interface ScalePlan {
  n: number;
  k: number;
  dims: number;
  stages: StagePlan[];
  peakGpuBytes: number;
  peakHostBytes: number;
}

export interface PlanOptions {
  /**
   * Bytes the run may use, GPU and host together (on a CPU adapter the GPU's memory is the host's):
   * a plan past it throws. Default: no budget, only the adapter's per-buffer limits are checked.
   */
  budgetBytes?: number;
}

/** Bytes of one SELL group: a storage binding, capped at 32 MiB as `sellGroupElements` does. */
export function groupBytes(limits: PlanEngine['limits']): number {
  return Math.min(limits.maxStorageBufferBindingSize, 32 * 1024 * 1024);
}

function limitError(what: string, limit: string, max: number, want: number, fix: string): LimitError {
  return new LimitError(`${what} needs ${formatBytes(want)}, more than this adapter's ${limit} (${formatBytes(max)}); ${fix}.`, limit, max, want);
}

/** Buffers bound whole by every iteration ([n, dims] positions, forces, per-row values): they must fit one binding. */
export function checkWholeBindings(engine: PlanEngine, n: number, dims: number, what: string): void {
  const max = engine.limits.maxStorageBufferBindingSize;
  const bytes = Math.ceil(n / SELL_CHUNK) * SELL_CHUNK * Math.max(dims, 1) * 4;
  if (bytes > max) throw limitError(`${what}: the positions of ${n} points in ${dims}D`, 'maxStorageBufferBindingSize', max, bytes, 'use fewer points');
}

/** The kNN graph [n, k] (indices and distances) as the kNN op makes it: each tensor must fit one buffer, each row one binding. */
export function checkGraphBuffers(engine: PlanEngine, n: number, k: number, what: string): void {
  const { maxBufferSize, maxStorageBufferBindingSize, minStorageBufferOffsetAlignment } = engine.limits;
  if (n * k * 4 > maxBufferSize) {
    throw limitError(`${what}: the kNN graph of ${n} points × ${k} neighbours`, 'maxBufferSize', maxBufferSize, n * k * 4,
      `use at most ${Math.floor(maxBufferSize / (k * 4))} points or fewer neighbours`);
  }
  if (k * 4 * minStorageBufferOffsetAlignment > maxStorageBufferBindingSize) {
    throw limitError(`${what}: ${minStorageBufferOffsetAlignment} rows of ${k} neighbours`, 'maxStorageBufferBindingSize',
      maxStorageBufferBindingSize, k * 4 * minStorageBufferOffsetAlignment, 'use fewer neighbours');
  }
  if (n * k >= 2 ** 32) throw new LimitError(`${what}: ${n} points × ${k} neighbours is more edges than 32-bit ids address.`, 'edges', 2 ** 32 - 1, n * k);
}

export function checkBudget(plan: ScalePlan, o: PlanOptions, what: string): ScalePlan {
  if (o.budgetBytes !== undefined) {
    const worst = Math.max(...plan.stages.map((s) => s.gpuBytes + s.hostBytes));
    if (worst > o.budgetBytes) {
      const stage = plan.stages.find((s) => s.gpuBytes + s.hostBytes === worst)!.stage;
      throw new LimitError(`${what} of ${plan.n} points needs about ${formatBytes(worst)} at its ${stage} stage, more than the ` +
        `${formatBytes(o.budgetBytes)} allowed; use fewer points or neighbours.`, 'memory', o.budgetBytes, worst);
    }
  }
  return plan;
}

export function finishPlan(n: number, k: number, dims: number, stages: StagePlan[]): ScalePlan {
  return {
    n, k, dims, stages,
    peakGpuBytes: Math.max(...stages.map((s) => s.gpuBytes)),
    peakHostBytes: Math.max(...stages.map((s) => s.hostBytes)),
  };
}

/**
 * The memory and splitting of a t-SNE run of n points with k neighbours (3·perplexity) in `dims`
 * dimensions, checked against the adapter's limits before any work: throws a LimitError when a
 * buffer that must exist whole would not fit (the kNN graph's tensors, positions bound whole), or,
 * with `budgetBytes`, when a stage would use more. Sizes of P are upper bounds (2·n·k entries
 * before duplicates merge, plus the SELL padding of sorted rows).
 */
export function planTsne(engine: PlanEngine, n: number, k: number, dims: 2 | 3, o: PlanOptions = {}): ScalePlan {
  checkGraphBuffers(engine, n, k, 't-SNE');
  checkWholeBindings(engine, n, dims, 't-SNE');
  const graph = 2 * n * k * 4;
  const group = groupBytes(engine.limits);
  const calibrationRows = Math.min(Math.floor(engine.limits.maxStorageBufferBindingSize / (k * 4)), Math.max(256, Math.floor((1 << 22) / k)));
  const entries = 2 * n * k;
  const sell = entries * 8 * 1.05 + n * 8;
  // Positions, forces, velocity and gains, field grid (largest: 3D, 128³ complex × 5 buffers).
  const perPoint = n * (6 * dims + 4) * 4;
  const grid = dims === 2 ? 512 * 512 * 8 * 5 : 128 ** 3 * 8 * 5;
  const stages: StagePlan[] = [
    { stage: 'knn', gpuBytes: graph, hostBytes: 0, splits: 1 },
    { stage: 'affinities', gpuBytes: graph + calibrationRows * k * 8, hostBytes: 3 * n * k * 4 + 5 * n * 4, splits: Math.ceil(n / calibrationRows) },
    { stage: 'sell', gpuBytes: sell, hostBytes: 3 * n * k * 4 + 5 * n * 4 + 2 * group, splits: Math.ceil(entries * 4 / group) },
    { stage: 'optimise', gpuBytes: sell + perPoint + grid, hostBytes: 0, splits: Math.ceil(entries * 4 / group) },
  ];
  return checkBudget(finishPlan(n, k, dims, stages), o, 't-SNE');
}
