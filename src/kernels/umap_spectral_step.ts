import code from '../../shaders/umap_spectral_step.wgsl';
import type { Engine } from '../engine/engine.js';
import { packUniforms, type KernelSpec } from '../engine/kernel.js';
import type { BufferSlice } from '../engine/tensor.js';
import type { EdgeGroupSlices } from './umap_epoch.js';

export const umapSpectralStepKernel: KernelSpec = {
  name: 'umap_spectral_step', code, bindings: ['uniform', 'read', 'read', 'read', 'read', 'read', 'read', 'storage'],
};

/** Widest block the kernel holds in registers. */
export const SPECTRAL_MAX_BLOCK = 32;
const WG = 64;

export interface SpectralGraph { rowPtr: BufferSlice; groups: EdgeGroupSlices[]; dinv: BufferSlice }

/** Records out = alpha·(N·v) + beta·v + gamma·w for blocks [n, block] (N the normalised adjacency), one dispatch per edge group. */
export function encodeUmapSpectralStep(engine: Engine, c: { n: number; block: number; alpha: number; beta: number; gamma: number },
  g: SpectralGraph, v: BufferSlice, w: BufferSlice, out: BufferSlice): void {
  for (const e of g.groups) {
    engine.dispatch(umapSpectralStepKernel, {
      overrides: { WG },
      args: [packUniforms([['u32', e.rowEnd], ['u32', c.block], ['f32', c.alpha], ['f32', c.beta], ['f32', c.gamma], ['u32', e.rowStart], ['u32', e.edgeBase]]),
        g.rowPtr, e.cols, e.weights, g.dinv, v, w, out],
      workgroups: engine.grid(e.rowEnd - e.rowStart, WG),
    });
  }
}
