import { afterEach, describe, expect, it } from 'vitest';
import { KMeans } from '../src/models/kmeans/index.js';
import { KMeansData } from '../src/models/kmeans/steps.js';
import { expectClose, getEngine, randomArray, rng } from './helpers.js';
import { assignRef, lloydRef } from './reference/kmeans.js';

// k-means assignment through the distance op's tiled (GPU) shape, forced here so that it is
// tested on the CPU adapters too: labels, nearest and second-nearest squared distances against float64.
afterEach(async () => { (await getEngine()).tuner.force('distance', undefined); });

describe('k-means assignment by the tiled distance op', () => {
  it.each([[1, 3, 2], [97, 5, 3], [1031, 37, 13], [600, 11, 70], [300, 130, 33]])('n=%i d=%i k=%i', async (n, d, k) => {
    const engine = await getEngine();
    engine.tuner.force('distance', 'tiled');
    const x = randomArray(n * d, n + d, -1, 1);
    const r = rng(k);
    const cent = new Float32Array(k * d).map(() => r() * 2 - 1);
    const xt = engine.tensor(x, [n, d]);
    const ct = engine.tensor(cent, [k, d]);
    const data = new KMeansData(engine, xt);
    engine.write(data.mind, new Float32Array(n).fill(NaN));
    engine.write(data.labels, new Uint32Array(n).fill(0xffffffff));
    data.assign(ct);
    const labels = await data.labels.read();
    const mind = await data.mind.read();
    const second = await data.extra!.read();
    const ref = assignRef(x, n, d, cent, k);
    for (let i = 0; i < n; i++) {
      // Labels may differ only where the two nearest centroids are within f32 rounding of a tie.
      if (labels[i] !== ref.labels[i]) expect(ref.second[i] - ref.dist[i], `row ${i}`).toBeLessThan(1e-5 * d);
    }
    expectClose(mind, ref.dist, 1e-6 * d, 1e-5, 'nearest squared distances');
    expectClose(second, ref.second, 1e-6 * d, 1e-5, 'second-nearest squared distances');
    xt.dispose(); ct.dispose(); data.dispose();
  });

  it('KMeans.fit with the tiled op matches float64 Lloyd from the same init', async () => {
    const engine = await getEngine();
    engine.tuner.force('distance', 'tiled');
    const n = 1201;
    const d = 6;
    const k = 7;
    const x = randomArray(n * d, 321);
    const init = x.slice(0, k * d);
    const xt = engine.tensor(x, [n, d]);
    const model = await KMeans.fit(engine, xt, { k, init, tol: 0, maxIter: 300 });
    const ref = lloydRef(x, n, d, init, k, 300);
    expect(Math.abs(model.inertia - ref.inertia)).toBeLessThan(1e-4 * ref.inertia);
    xt.dispose(); model.dispose();
  });
});
