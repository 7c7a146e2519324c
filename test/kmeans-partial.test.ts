import { describe, expect, it } from 'vitest';
import { encodeKMeansPartialSums, partialBlockRows, type PartialSumsVariant } from '../src/kernels/kmeans_partial_sums.js';
import { kmeansPartialSumsFamily } from '../src/models/kmeans/partial-sums.js';
import { KMeansData } from '../src/models/kmeans/steps.js';
import { Tuner } from '../src/engine/tuner.js';
import { expectClose, poisoned, randomArray, rng } from './helpers.js';
import { ADAPTERS, adapterEngine } from './reduce-adapters.js';
import { updateRef } from './reference/kmeans.js';

// Rows (one, a partial block, several blocks), padded columns (one vec4 to past a workgroup's
// column group), clusters (one, prime, more than one register pass holds), some of them empty.
const SHAPES = [
  { n: 1, d4: 4, k: 1 }, { n: 997, d4: 8, k: 7 }, { n: 1543, d4: 12, k: 71 }, { n: 600, d4: 264, k: 3 },
];

function labelsFor(n: number, k: number, seed: number): Uint32Array {
  const r = rng(seed);
  // Cluster k − 1 stays empty when k > 2, so that empty clusters are covered.
  return Uint32Array.from({ length: n }, () => Math.floor(r() * Math.max(1, k > 2 ? k - 1 : k)));
}

for (const which of ADAPTERS) {
  describe(`k-means partial sums against float64 (${which} adapter)`, () => {
    for (const variant of kmeansPartialSumsFamily.variants) {
      it(`${variant.name}: per-block cluster sums and counts`, async () => {
        const engine = await adapterEngine(which);
        if (!engine) return;
        for (const [s, shape] of SHAPES.entries()) {
          const { n, d4, k } = shape;
          if (!variant.applies(engine.traits, shape)) continue;
          const x = randomArray(n * d4, 40 + s, -2, 2);
          const labels = labelsFor(n, k, 50 + s);
          const blockRows = Math.min(partialBlockRows(n, engine.traits.loopBudget), 512);
          const blocks = Math.ceil(n / blockRows);
          const xt = engine.tensor(x, [n, d4]);
          const lt = engine.tensor(labels, [n]);
          const partial = poisoned(engine, [blocks, k, d4 + 4]);
          encodeKMeansPartialSums(engine, { rows: n, row0: 0, d4, k, blockRows, block0: 0 }, xt.slice(), lt.slice(), partial.slice(),
            variant.name as PartialSumsVariant);
          const got = await partial.read();
          const want = new Float64Array(blocks * k * (d4 + 4));
          for (let i = 0; i < n; i++) {
            const base = (Math.floor(i / blockRows) * k + labels[i]) * (d4 + 4);
            for (let j = 0; j < d4; j++) want[base + j] += x[i * d4 + j];
            want[base + d4] += 1;
          }
          // The three unused count lanes are zero; compare everything.
          expectClose(got, want, 1e-5 * blockRows, 1e-5, `${variant.name} n ${n} d4 ${d4} k ${k}`);
          for (const t of [xt, lt, partial]) t.dispose();
        }
      });

      it(`${variant.name}: the update step gives float64 cluster means`, async () => {
        const engine = await adapterEngine(which);
        if (!engine) return;
        engine.tuner.force('kmeans_partial_sums', variant.name);
        try {
          const n = 2_053, d = 5, k = 9;
          const x = randomArray(n * d, 3, -4, 4);
          const labels = labelsFor(n, k, 4);
          const prev = randomArray(k * d, 6);
          const data = new KMeansData(engine, engine.tensor(x, [n, d]));
          data.labels.write(labels);
          const prevT = engine.tensor(prev, [k, d]);
          const weights = engine.zeros([k], 'f32');
          const out = poisoned(engine, [k, d]);
          const counts = poisoned(engine, [k]);
          data.update(prevT, weights, out, counts);
          const want = updateRef(x, n, d, labels, prev, k);
          expectClose(await out.read(), want.cent, 1e-5, 1e-4, 'centroids');
          expect(Array.from(await counts.read())).toEqual(Array.from(want.counts));
          data.x.dispose();
          data.dispose();
          for (const t of [prevT, weights, out, counts]) t.dispose();
        } finally {
          engine.tuner.force('kmeans_partial_sums', undefined);
        }
      });
    }

    it('the tuner measures both variants, rejects neither and ends on one that applies', async () => {
      const engine = await adapterEngine(which);
      if (!engine) return;
      const tuner = new Tuner(engine, { enabled: true, repetitions: 1 });
      const shape = { n: 3000, d4: 20, k: 11 };
      const chosen = await tuner.tune(kmeansPartialSumsFamily, shape);
      expect(kmeansPartialSumsFamily.variants.find((v) => v.name === chosen)?.applies(engine.traits, shape)).toBe(true);
      expect(tuner.rows.filter((r) => r.rejected)).toEqual([]);
      expect(tuner.rows).toHaveLength(2);
    });
  });
}
