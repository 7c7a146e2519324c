import code from '../../shaders/vae_reparameterize.wgsl';
import type { Engine } from '../engine/engine.js';
import { packUniforms, type KernelSpec } from '../engine/kernel.js';
import type { BufferSlice } from '../engine/tensor.js';

export const vaeReparameterizeKernel: KernelSpec = {
  name: 'vae_reparameterize', code, bindings: ['uniform', 'read', 'storage', 'storage', 'storage'],
};

export interface ReparameterizeCall {
  rows: number;
  latent: number;
  seed: number;
  /** Counter word that makes each training step draw new noise. */
  step: number;
  /** Draw ε; when false z = μ. */
  sample: boolean;
  rowOffset: number;
  klScale: number;
}

const WG = 64;

/** z = μ + σ ⊙ ε from h = [μ | log σ²], keeping ε, and each row's KL at kl[rowOffset + r]. */
export function encodeReparameterize(engine: Engine, c: ReparameterizeCall, h: BufferSlice, z: BufferSlice,
  eps: BufferSlice, kl: BufferSlice): void {
  engine.dispatch(vaeReparameterizeKernel, {
    overrides: { WG },
    args: [packUniforms([
      ['u32', c.rows], ['u32', c.latent], ['u32', c.seed >>> 0], ['u32', c.step >>> 0],
      ['u32', c.sample ? 1 : 0], ['u32', c.rowOffset], ['f32', c.klScale],
    ]), h, z, eps, kl],
    workgroups: engine.grid(c.rows, WG),
    cost: { flops: 12 * c.rows * c.latent, bytes: 16 * c.rows * c.latent },
  });
}
