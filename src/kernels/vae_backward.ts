import code from '../../shaders/vae_backward.wgsl';
import type { Engine } from '../engine/engine.js';
import { packUniforms, type KernelSpec } from '../engine/kernel.js';
import type { BufferSlice } from '../engine/tensor.js';

export const vaeBackwardKernel: KernelSpec = {
  name: 'vae_backward', code, bindings: ['uniform', 'read', 'read', 'read', 'storage'],
};

const WG = 64;

/** dh = gradient at h = [μ | log σ²] from dz at z and the KL term weighted by klGradScale (β/batch). */
export function encodeVaeBackward(engine: Engine, rows: number, latent: number, klGradScale: number,
  dz: BufferSlice, h: BufferSlice, eps: BufferSlice, dh: BufferSlice): void {
  engine.dispatch(vaeBackwardKernel, {
    overrides: { WG },
    args: [packUniforms([['u32', rows], ['u32', latent], ['f32', klGradScale]]), dz, h, eps, dh],
    workgroups: engine.grid(rows * latent, WG),
    cost: { flops: 8 * rows * latent, bytes: 20 * rows * latent },
  });
}
