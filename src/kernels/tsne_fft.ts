import code from '../../shaders/tsne_fft.wgsl';
import longCode from '../../shaders/tsne_fft_long.wgsl';
import workgroupCode from '../../shaders/tsne_fft_workgroup.wgsl';
import type { Engine } from '../engine/engine.js';
import { packUniforms, type KernelSpec } from '../engine/kernel.js';
import type { BufferSlice } from '../engine/tensor.js';

export const tsneFftKernel: KernelSpec = { name: 'tsne_fft', code, bindings: ['uniform', 'read', 'storage'] };
export const tsneFftLongKernel: KernelSpec = { name: 'tsne_fft_long', code: longCode, bindings: ['uniform', 'read', 'storage'] };
export const tsneFftWorkgroupKernel: KernelSpec = { name: 'tsne_fft_workgroup', code: workgroupCode, bindings: ['uniform', 'read', 'storage'] };

/**
 * How lines are spread: an invocation per line in a private buffer (CPU rasterisers), or a
 * workgroup of 256 (or 64) lanes per few lines.
 */
export type FftVariant = 'lanes' | 'workgroup' | 'workgroup-64';
/** Complex values of workgroup memory tsne_fft_workgroup.wgsl holds (its CAP). */
export const FFT_WORKGROUP_CAP = 2048;

/** Longest line tsne_fft.wgsl transforms in its private buffer. */
export const FFT_PRIVATE_MAX = 256;
/** Longest line of all (tsne_fft_long.wgsl). */
export const FFT_MAX = 512;

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

/** Elements between rows of the padded grids (L + 1: a power-of-two pitch thrashes caches). */
export function fftPitch(l: number): number {
  return l + 1;
}

/** Elements of an L^dims grid stored with `fftPitch`. */
export function fftGridSize(l: number, dims: number): number {
  return fftPitch(l) ** (dims - 1) * l;
}

export interface FftCall {
  l: number;
  dims: number;
  inverse: boolean;
  /**
   * Size of the non-zero (forward) or wanted (inverse) corner block per dimension, when the data
   * is zero-padded: the forward transform runs axes 0, 1, 2 and skips lines that are still zero;
   * the inverse runs 2, 1, 0 and skips lines whose results are outside the block. Default: l.
   */
  block?: number;
}

/**
 * Records an unnormalised in-place complex FFT of an L^dims grid (L a power of two, rows at
 * `fftPitch`), axis by axis, with the lines spread as `variant` says.
 */
export function encodeTsneFft(engine: Engine, c: FftCall, twiddle: BufferSlice, data: BufferSlice, variant: FftVariant = 'lanes'): void {
  const logL = Math.log2(c.l);
  if (!Number.isInteger(logL) || c.l > FFT_MAX) throw new RangeError(`FFT length must be a power of two ≤ ${FFT_MAX}, got ${c.l}.`);
  const block = c.block ?? c.l;
  const axes = Array.from({ length: c.dims }, (_, a) => a);
  if (c.inverse) axes.reverse();
  for (const axis of axes) {
    // The other axes, with their extents: those not yet transformed (forward) or already
    // transformed (inverse), i.e. the axes after this one, only need the block.
    const others = axes.length === 2 ? [1 - axis] : [0, 1, 2].filter((a) => a !== axis);
    const extent = (a: number) => (a > axis ? block : c.l);
    const [a1, a2] = others;
    const e1 = extent(a1);
    const e2 = a2 === undefined ? 1 : extent(a2);
    const lines = e1 * e2;
    const pitch = fftPitch(c.l);
    const per = Math.max(1, Math.min(FFT_WORKGROUP_CAP / c.l, 2 ** Math.floor(Math.log2(lines))));
    const args = [packUniforms([['u32', c.l], ['u32', logL], ['u32', pitch ** axis], ['u32', lines], ['u32', c.inverse ? 1 : 0],
      ['u32', e1], ['u32', pitch ** a1], ['u32', a2 === undefined ? 0 : pitch ** a2], ['u32', per]]), twiddle, data];
    // 5 L log2 L flops per complex line (the usual count); each element read and written once.
    const cost = { flops: 5 * lines * c.l * logL, bytes: 16 * lines * c.l + 4 * c.l };
    if (variant !== 'lanes') {
      const wg = Math.min(variant === 'workgroup-64' ? 64 : 256, engine.traits.maxInvocations);
      engine.dispatch(tsneFftWorkgroupKernel, { overrides: { WG: wg }, args, workgroups: engine.grid(Math.ceil(lines / per), 1), cost });
    } else {
      engine.dispatch(c.l <= FFT_PRIVATE_MAX ? tsneFftKernel : tsneFftLongKernel, { overrides: { WG }, args, workgroups: engine.grid(lines, WG), cost });
    }
  }
}
