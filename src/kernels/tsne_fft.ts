import code from '../../shaders/tsne_fft.wgsl';
import type { Engine } from '../engine/engine.js';
import { packUniforms, type KernelSpec } from '../engine/kernel.js';
import type { BufferSlice } from '../engine/tensor.js';

export const tsneFftKernel: KernelSpec = { name: 'tsne_fft', code, bindings: ['uniform', 'read', 'storage'] };

const WG = 64;

/** exp(−2πik/L) for k < L/2, interleaved (re, im): the FFT's twiddle table. */
export function fftTwiddles(l: number): Float32Array {
  const t = new Float32Array(l);
  for (let k = 0; k < l / 2; k++) {
    t[2 * k] = Math.cos((-2 * Math.PI * k) / l);
    t[2 * k + 1] = Math.sin((-2 * Math.PI * k) / l);
  }
  return t;
}

/** Records an unnormalised in-place complex FFT of an L^dims grid (L a power of two), axis by axis. */
export function encodeTsneFft(engine: Engine, c: { l: number; dims: number; inverse: boolean }, twiddle: BufferSlice, data: BufferSlice): void {
  const logL = Math.log2(c.l);
  if (!Number.isInteger(logL)) throw new RangeError(`FFT length must be a power of two, got ${c.l}.`);
  const lines = c.l ** (c.dims - 1);
  for (let axis = 0; axis < c.dims; axis++) {
    engine.dispatch(tsneFftKernel, {
      overrides: { WG },
      args: [packUniforms([['u32', c.l], ['u32', logL], ['u32', c.l ** axis], ['u32', lines], ['u32', c.inverse ? 1 : 0]]), twiddle, data],
      workgroups: engine.grid(lines, WG),
    });
  }
}
