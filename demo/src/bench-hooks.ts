// Measurements the render benchmark (bench/render.ts) takes inside the page.
import type { Engine } from '../../src/browser.js';
import type { PointCloudView } from './view.js';

const median = (v: number[]) => { const s = [...v].sort((a, b) => a - b); return s[Math.floor(s.length / 2)] ?? NaN; };

export function benchmarkHooks(engine: Engine, view: PointCloudView) {
  return {
    /**
     * Intervals between animation frames (ms) over `windowMs` and at least `minFrames` frames, but
     * never longer than `capMs`: a queue held by a long compute step may deliver no frame at all.
     */
    frameIntervals(windowMs: number, minFrames = 3, capMs = 3 * windowMs): Promise<{ intervals: number[]; elapsedMs: number }> {
      return new Promise((resolve) => {
        const out: number[] = [];
        const t0 = performance.now();
        let last = t0;
        let done = false;
        const finish = () => { if (!done) { done = true; resolve({ intervals: out.slice(1), elapsedMs: performance.now() - t0 }); } };
        const tick = (now: number) => {
          if (done) return;
          out.push(now - last);
          last = now;
          if (now - t0 < windowMs || out.length < minFrames + 1) requestAnimationFrame(tick);
          else finish();
        };
        requestAnimationFrame(tick);
        setTimeout(finish, capMs);
      });
    },
    /** One render of the scene until the GPU has finished it (ms, median of `reps`). */
    async renderMs(reps = 3): Promise<number> {
      const t: number[] = [];
      view.setAnimating(false);
      await engine.device.queue.onSubmittedWorkDone();
      for (let i = 0; i < reps; i++) {
        const s = performance.now();
        view.renderer.render(view.scene, view.camera);
        await engine.device.queue.onSubmittedWorkDone();
        t.push(performance.now() - s);
      }
      view.setAnimating(true);
      return median(t);
    },
    /**
     * Cost of moving one set of positions [n, 3] from a model's tensor to the draw buffer (ms,
     * median): `gpu` is the explorer's path (bounds + pack kernel), `cpu` the peer path a renderer
     * without a shared device needs (read the tensor back, upload it).
     */
    async updateMs(kind: 'gpu' | 'cpu', reps = 3): Promise<number> {
      const n = view.n;
      const y = engine.empty([n, 3], 'f32', 'bench.positions');
      engine.clear(y);
      const staging = new Float32Array(n * 4);
      const t: number[] = [];
      view.setAnimating(false);
      await engine.device.queue.onSubmittedWorkDone();
      for (let i = 0; i < reps; i++) {
        await engine.sync();
        const s = performance.now();
        if (kind === 'gpu') view.showEmbedding(y);
        else {
          const host = (await y.read()) as Float32Array;
          for (let r = 0; r < n; r++) staging.set(host.subarray(r * 3, r * 3 + 3), r * 4);
          engine.queue.writeBuffer(view.positionBuffer.buffer, 0, staging);
        }
        await engine.sync();
        await engine.device.queue.onSubmittedWorkDone();
        t.push(performance.now() - s);
      }
      y.dispose();
      view.setAnimating(true);
      return median(t);
    },
    /**
     * Gives every point a generated side×side picture (rings that vary with the index) and draws
     * pictures instead of dots: the sprite load of an image data set of any size. Returns how
     * many pictures the atlas holds.
     */
    usePictures(side = 8): number {
      const n = view.n;
      const pixels = new Uint8Array(n * side * side);
      const c = (side - 1) / 2;
      for (let i = 0; i < n; i++) {
        for (let y = 0; y < side; y++) {
          for (let x = 0; x < side; x++) pixels[(i * side + y) * side + x] = (Math.round(Math.hypot(x - c, y - c)) + i) % 3 ? 230 : 30;
        }
      }
      const count = view.setAtlas({ pixels, width: side, height: side }, n);
      view.pointsAs = 'pictures';
      return count;
    },
    useDots(): void { view.pointsAs = 'dots'; },
  };
}
