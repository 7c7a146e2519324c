import type { Engine } from '../../engine/engine.js';
import { log2Class, type VariantFamily, type VariantTrial } from '../../engine/tuner.js';
import { encodeKMeansPartialSums, partialBlockRows, type PartialSumsVariant } from '../../kernels/kmeans_partial_sums.js';
import { seededRandom } from '../../ops/random.js';

/** What the choice of partial-sum variant depends on: rows, padded columns and clusters. */
export interface PartialSumsShape { n: number; d4: number; k: number }

/**
 * The k-means update's per-block cluster sums: `registers`, an invocation per column holding a
 * register per cluster, indexed by each row's label (no barriers: the CPU-rasteriser shape), or
 * `clusters`, a workgroup per (row block, cluster) whose lanes split columns and rows and add
 * their sums by a tree in workgroup memory (a GPU's shape: no private array indexed by label).
 * Both add in a fixed order, so a seed gives one result.
 */
export const kmeansPartialSumsFamily: VariantFamily<PartialSumsShape> = {
  name: 'kmeans_partial_sums',
  variants: [
    { name: 'registers', applies: () => true },
    { name: 'clusters', applies: (_t, s) => s.k <= 65_535 },
  ],
  shapeClass: (s) => `n:2^${log2Class(s.n)} d:2^${log2Class(s.d4)} k:2^${log2Class(s.k)}`,
  fallback: (t) => (t.isSoftware ? 'registers' : 'clusters'),
  trial(engine: Engine, s: PartialSumsShape): VariantTrial {
    const d4 = Math.min(s.d4, 1024);
    const n = Math.max(1, Math.min(s.n, Math.floor(2 ** 20 / d4)));
    const blockRows = partialBlockRows(n, engine.traits.loopBudget);
    const blocks = Math.ceil(n / blockRows);
    const r = seededRandom(5);
    const x = engine.tensor(Float32Array.from({ length: n * d4 }, () => r() - 0.5), [n, d4], { label: 'kmeans.trial.x' });
    const labels = engine.tensor(Uint32Array.from({ length: n }, () => Math.floor(r() * s.k)), [n], { label: 'kmeans.trial.labels' });
    const partial = engine.empty([blocks, s.k, d4 + 4], 'f32', 'kmeans.trial.partial');
    return {
      run: (v) => {
        encodeKMeansPartialSums(engine, { rows: n, row0: 0, d4, k: s.k, blockRows, block0: 0 }, x.slice(), labels.slice(), partial.slice(),
          v as PartialSumsVariant);
      },
      output: () => partial.read(),
      dispose: () => { x.dispose(); labels.dispose(); partial.dispose(); },
    };
  },
};

/**
 * Measures the update step's variants for x [n, d] and k clusters on this adapter (once per shape
 * class); call before recording the fit's first dispatches.
 */
export async function tunePartialSums(engine: Engine, n: number, d: number, k: number): Promise<void> {
  await engine.tuner.tune(kmeansPartialSumsFamily, { n, d4: Math.ceil(d / 4) * 4, k });
}
