import type { Engine } from '../../engine/engine.js';
import type { Tensor } from '../../engine/tensor.js';
import { encodeUmapEpoch } from '../../kernels/umap_epoch.js';
import { edgeGroups, type FuzzyGraph } from './graph.js';
import type { UmapProgress } from './params.js';

/** What one run of epochs needs beyond the graph. */
export interface EpochSchedule {
  nEpochs: number;
  /** Initial learning rate, decayed linearly to 0 over the epochs (umap-learn). */
  learningRate: number;
  negativeSampleRate: number;
  repulsionStrength: number;
  a: number;
  b: number;
  seed: number;
}

export interface EpochCallbacks {
  onProgress?: (p: UmapProgress) => void | Promise<void>;
  progressEvery?: number;
  signal?: AbortSignal;
}

/** Epochs recorded before waiting for the GPU, which bounds the queued work. */
const SYNC_EVERY = 25;

/**
 * Runs the epochs of UMAP's optimisation on the GPU, ping-ponging between two position buffers
 * (every epoch reads the previous one's positions, so no update races with another).
 * `head` [n, dims] moves and is consumed; the returned tensor holds the final positions.
 * With `tail` null this is a fit (the graph joins head points among themselves); otherwise head
 * points are pulled towards, and pushed away from, the fixed `tail` points (`transform`).
 */
export async function optimizeLayout(engine: Engine, graph: FuzzyGraph, head: Tensor, tail: Tensor | null,
  s: EpochSchedule, cb: EpochCallbacks = {}): Promise<Tensor> {
  const dims = head.cols;
  let current = head;
  let next: Tensor = engine.empty(head.shape, 'f32', head.label);
  const every = cb.progressEvery ?? 10;
  const g = { rowPtr: graph.rowPtr.slice(), groups: edgeGroups(engine, graph) };
  try {
    for (let epoch = 0; epoch < s.nEpochs; epoch++) {
      cb.signal?.throwIfAborted();
      const ref = tail ?? current;
      encodeUmapEpoch(engine, {
        nHead: graph.n, nTail: ref.rows, dims, epoch, negatives: s.negativeSampleRate,
        alpha: s.learningRate * (1 - epoch / s.nEpochs), a: s.a, b: s.b, gamma: s.repulsionStrength,
        maxWeight: graph.maxWeight || 1, maxDegree: graph.maxDegree, attractScale: tail ? 1 : 2, seed: s.seed,
      }, g, current.slice(), ref.slice(), next.slice());
      [current, next] = [next, current];
      const done = epoch + 1;
      if (cb.onProgress && (done % every === 0 || done === s.nEpochs)) {
        const y = current;
        await cb.onProgress({ epoch: done, epochs: s.nEpochs, positions: y, read: () => y.read() as Promise<Float32Array> });
      }
      if (done % SYNC_EVERY === 0) await engine.sync();
    }
    await engine.sync();
  } catch (e) {
    current.dispose();
    throw e;
  } finally {
    next.dispose();
  }
  return current;
}
