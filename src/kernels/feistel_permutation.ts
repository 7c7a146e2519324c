import code from '../../shaders/feistel_permutation.wgsl';
import type { Engine } from '../engine/engine.js';
import { packUniforms, type KernelSpec } from '../engine/kernel.js';
import type { BufferSlice } from '../engine/tensor.js';

export const feistelPermutationKernel: KernelSpec = { name: 'feistel_permutation', code, bindings: ['uniform', 'storage'] };

const WG = 64;

/** Bits of each Feistel half: the smallest h with 4^h ≥ n (at least 1). */
export function feistelHalfBits(n: number): number {
  let bits = 1;
  while (2 ** bits < n) bits++;
  return Math.max(1, Math.ceil(bits / 2));
}

/** Writes a seeded permutation of [0, n) into `perm` (u32); a new one per `epoch`. */
export function encodeFeistelPermutation(engine: Engine, n: number, seed: number, epoch: number, perm: BufferSlice): void {
  engine.dispatch(feistelPermutationKernel, {
    overrides: { WG },
    args: [packUniforms([['u32', n], ['u32', feistelHalfBits(n)], ['u32', seed >>> 0], ['u32', epoch >>> 0]]), perm],
    workgroups: engine.grid(n, WG),
    cost: { flops: 0, bytes: 4 * n },
  });
}
