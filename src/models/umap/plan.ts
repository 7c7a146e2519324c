import { checkBudget, checkGraphBuffers, checkWholeBindings, finishPlan, type PlanEngine, type PlanOptions, type ScalePlan, type StagePlan } from '../tsne/plan.js';

/**
 * The memory and splitting of a UMAP fit of n points with `nNeighbors` (k = nNeighbors − 1 in the
 * kNN graph) in `dims` dimensions, checked against the adapter's limits before any work: throws a
 * LimitError when the kNN graph's tensors or the positions (bound whole by every epoch) cannot
 * exist, or, with `budgetBytes`, when a stage would use more. Edge counts are upper bounds
 * (2·n·k before the union merges reverse pairs).
 */
export function planUmap(engine: PlanEngine, n: number, nNeighbors: number, dims: number, o: PlanOptions = {}): ScalePlan {
  const k = nNeighbors - 1;
  checkGraphBuffers(engine, n, k, 'UMAP');
  checkWholeBindings(engine, n, dims, 'UMAP');
  const graph = 2 * n * k * 4;
  const edges = 2 * n * k;
  const csr = edges * 8 + (n + 1) * 4;
  const binding = engine.limits.maxStorageBufferBindingSize;
  const union = n * k * 4 > binding;
  const stages: StagePlan[] = [
    { stage: 'knn', gpuBytes: graph, hostBytes: 0, splits: 1 },
    // Memberships and ρσ on the GPU; the host reads weights, indices, the union's output (and, past one binding, the transpose).
    { stage: 'fuzzy', gpuBytes: graph + n * k * 4 * (union ? 1 : 3) + n * 8, hostBytes: n * k * 4 * (union ? 6 : 3) + csr,
      splits: Math.ceil(n * k * 4 / binding) },
    { stage: 'optimise', gpuBytes: csr + 3 * n * Math.max(dims, 10) * 4, hostBytes: csr, splits: Math.ceil(edges * 4 / binding) },
  ];
  return checkBudget(finishPlan(n, k, dims, stages), o, 'UMAP');
}
