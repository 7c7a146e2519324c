import code from '../../shaders/kmeans_prepare.wgsl';
import type { Engine } from '../engine/engine.js';
import { packUniforms, type KernelSpec } from '../engine/kernel.js';
import type { BufferSlice } from '../engine/tensor.js';

export const kmeansPrepareKernel: KernelSpec = {
  name: 'kmeans_prepare', code, bindings: ['uniform', 'read', 'storage', 'storage'],
};

const WG = 64;

/** k rounded up to a multiple of 4: the padded centroid count of kmeans_assign. */
export const paddedK = (k: number) => Math.ceil(k / 4) * 4;

/** Records centT [d4, paddedK(k)] (transposed, zero-padded) and cnorm [paddedK(k)] from cent [k, d]. */
export function encodeKMeansPrepare(engine: Engine, c: { k: number; d: number; d4: number }, cent: BufferSlice, centT: BufferSlice,
  cnorm: BufferSlice): void {
  const kp = paddedK(c.k);
  engine.dispatch(kmeansPrepareKernel, {
    overrides: { WG },
    args: [packUniforms([['u32', c.k], ['u32', kp], ['u32', c.d], ['u32', c.d4]]), cent, centT, cnorm],
    workgroups: engine.grid(kp, WG),
    cost: { flops: 2 * c.k * c.d, bytes: 4 * (2 * kp * c.d4 * 4 + kp) },
  });
}
