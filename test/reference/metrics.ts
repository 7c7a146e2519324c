import { sqDist } from './knn.js';

/** Float64 trustworthiness exactly as scikit-learn 1.2 defines it (full rank matrix, ties by index). */
export function refTrustworthiness(x: ArrayLike<number>, e: ArrayLike<number>, n: number, d: number, de: number, k: number): number {
  let t = 0;
  for (let i = 0; i < n; i++) {
    const others = Array.from({ length: n }, (_, j) => j).filter((j) => j !== i);
    const dx = others.map((j) => sqDist(x, i, x, j, d));
    const byX = others.map((j, a) => [dx[a], j] as const).sort((p, q) => p[0] - q[0] || p[1] - q[1]);
    const rank = new Map<number, number>();
    byX.forEach(([, j], r) => rank.set(j, r + 1));
    const byE = others.map((j) => [sqDist(e, i, e, j, de), j] as const).sort((p, q) => p[0] - q[0] || p[1] - q[1]);
    for (let a = 0; a < k; a++) t += Math.max(0, rank.get(byE[a][1])! - k);
  }
  return 1 - (2 / (n * k * (2 * n - 3 * k - 1))) * t;
}

/** Float64 k-NN classifier accuracy over given folds (majority vote, ties to the smallest label). */
export function refKnnAccuracy(e: ArrayLike<number>, n: number, de: number, labels: ArrayLike<number>, fold: ArrayLike<number>, k: number): number {
  let correct = 0;
  for (let i = 0; i < n; i++) {
    const train = Array.from({ length: n }, (_, j) => j).filter((j) => fold[j] !== fold[i]);
    const nb = train.map((j) => [sqDist(e, i, e, j, de), j] as const).sort((p, q) => p[0] - q[0] || p[1] - q[1]).slice(0, k);
    const votes = new Map<number, number>();
    for (const [, j] of nb) votes.set(labels[j], (votes.get(labels[j]) ?? 0) + 1);
    const best = [...votes].sort((p, q) => q[1] - p[1] || p[0] - q[0])[0][0];
    if (best === labels[i]) correct++;
  }
  return correct / n;
}
