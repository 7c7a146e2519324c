import code from '../../shaders/activation_backward.wgsl';
import type { Engine } from '../engine/engine.js';
import { packUniforms, type KernelSpec } from '../engine/kernel.js';
import type { BufferSlice } from '../engine/tensor.js';

export const activationBackwardKernel: KernelSpec = {
  name: 'activation_backward', code, bindings: ['uniform', 'read', 'read', 'read', 'storage'],
};

const WG = 64;

/** dz = da ⊙ f'(pre), f given by its code in lib/activations.wgsl; `pre` is only read for GELU. */
export function encodeActivationBackward(engine: Engine, n: number, act: number, slope: number,
  da: BufferSlice, pre: BufferSlice, post: BufferSlice, dz: BufferSlice): void {
  engine.dispatch(activationBackwardKernel, {
    overrides: { WG },
    args: [packUniforms([['u32', n], ['u32', act], ['f32', slope]]), da, pre, post, dz],
    workgroups: engine.grid(n, WG),
    cost: { flops: 2 * n, bytes: 12 * n },
  });
}
