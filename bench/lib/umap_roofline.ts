// A roofline model (Williams, Waterman & Patterson 2009) of latentgpu's UMAP on a reference GPU:
// each stage's operations and bytes as a function of the problem size, counted from the kernels,
// timed at max(ops / peak, bytes / bandwidth) plus a launch cost per dispatch. A prediction, not a
// measurement: it says whether the algorithm leaves room to reach a target, not that it does.

export interface ReferenceGpu { name: string; flops: number; bandwidth: number; launch: number }

/** NVIDIA H200 SXM: fp32 without tensor cores, HBM3e bandwidth, a few µs per dispatch. */
export const H200: ReferenceGpu = { name: 'NVIDIA H200 SXM', flops: 67e12, bandwidth: 4.8e12, launch: 5e-6 };

/** Bytes moved by one gather of a random row: a 32-byte memory sector at least. */
const SECTOR = 32;

/**
 * Predicted seconds of a UMAP fit of n points from 50 dims: approximate kNN (RP forest + 8 rounds
 * of NN-descent over 14 neighbours), ρ/σ, the fuzzy union, the spectral initialisation (40 outer
 * steps of a degree-8 filter on a block of 10), and 200 epochs with 5 negative samples.
 * `degree`: edges per point of the symmetric graph; `sampleRate`: mean weight / max weight, the
 * fraction of edges sampled per epoch (both measured on a smaller fit).
 */
export function umapRoofline(n: number, dims: number, degree: number, sampleRate: number, gpu: ReferenceGpu = H200) {
  const d = 50;
  const k = 14;
  const time = (ops: number, bytes: number, dispatches: number) => Math.max(ops / gpu.flops, bytes / gpu.bandwidth) + dispatches * gpu.launch;
  const stages: Record<string, number> = {};
  // NN-descent: each round compares every point with ~k² candidates (2d flops each, a random row gathered).
  const rounds = 8;
  stages.knn = time(rounds * n * k * k * 2 * d, rounds * n * k * k * Math.max(SECTOR, 4 * d), rounds * 6 + 40);
  // ρ/σ: ≤ 66 passes over k distances per row; the union: k compares per directed edge.
  stages.graph = time(n * k * 66 * 4 + n * k * k, n * k * 16 + n * k * k * 4, 2);
  const block = 10;
  const nnz = n * degree;
  const spmm = 40 * 9;
  stages.spectral = time(spmm * nnz * block * 2, spmm * (nnz * (8 + Math.max(SECTOR, 4 * block)) + n * block * 12), spmm + 40 * 8);
  const epochs = 200;
  const negatives = 5;
  const samples = nnz * sampleRate;
  // Per sample: the attraction (2 pow, dims·3 flops) and per negative a Philox draw (10 rounds of
  // ~30 integer ops) and the same force; bytes: the CSR row once, each gathered position a sector.
  const opsPerSample = 40 + dims * 3 + negatives * (300 + 40 + dims * 3);
  stages.epochs = time(epochs * samples * opsPerSample, epochs * (nnz * 8 + n * dims * 12 + samples * (1 + negatives) * SECTOR), epochs);
  const seconds = Object.values(stages).reduce((a, b) => a + b, 0);
  return { gpu: gpu.name, n, dims, degree, sampleRate, seconds, stages };
}
