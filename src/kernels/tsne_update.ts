import code from '../../shaders/tsne_update.wgsl';
import type { Engine } from '../engine/engine.js';
import { packUniforms, type KernelSpec } from '../engine/kernel.js';
import type { BufferSlice } from '../engine/tensor.js';

export const tsneUpdateKernel: KernelSpec = {
  name: 'tsne_update', code, bindings: ['uniform', 'read', 'read', 'read', 'storage', 'storage', 'storage'],
};

const WG = 64;

export interface TsneStep { size: number; dims: number; exaggeration: number; learningRate: number; momentum: number; minGain: number; perRowZ: boolean }

/** Records one gradient step with gains and momentum over `size` = n·dims coordinates. */
export function encodeTsneUpdate(engine: Engine, c: TsneStep, attr: BufferSlice, rep: BufferSlice, z: BufferSlice,
  y: BufferSlice, update: BufferSlice, gains: BufferSlice): void {
  engine.dispatch(tsneUpdateKernel, {
    overrides: { WG, DIMS: c.dims },
    args: [packUniforms([['u32', c.size], ['f32', c.exaggeration], ['f32', c.learningRate], ['f32', c.momentum],
      ['f32', c.minGain], ['u32', c.perRowZ ? 1 : 0]]), attr, rep, z, y, update, gains],
    workgroups: engine.grid(c.size, WG),
    cost: { flops: 16 * c.size, bytes: 4 * 8 * c.size },
  });
}
