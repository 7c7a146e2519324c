import type { Engine } from '../../engine/engine.js';
import type { AdapterTraits } from '../../gpu/traits.js';
import type { BufferSlice } from '../../engine/tensor.js';
import type { VariantFamily, VariantTrial } from '../../engine/tuner.js';
import { seededRandom } from '../../ops/random.js';
import {
  encodeTsneFft, FFT_MAX, FFT_WORKGROUP_CAP, fftGridSize, fftTwiddles, type FftCall, type FftVariant,
} from '../../kernels/tsne_fft.js';

/** What the choice of FFT variant depends on: the line length and the grid's dimensions. */
export interface FftShape { l: number; dims: number }

/**
 * Lines fit the workgroup memory. Where barriers are a thread switch (CPU rasterisers, where this
 * shape measured 2–3.5× slower than `lanes` at every size), grids past 2^18 points are not worth
 * the seconds a trial of them takes.
 */
function workgroupApplies(t: AdapterTraits, s: FftShape): boolean {
  return s.l <= FFT_WORKGROUP_CAP && t.workgroupStorage >= 8 * FFT_WORKGROUP_CAP && (t.cheapBarriers || s.l ** s.dims <= 2 ** 18);
}

/**
 * The field grid's FFT: `lanes`, an invocation per line in a private buffer (no barriers: the
 * shape for CPU rasterisers, 256–512 invocations a pass), or `workgroup`, a workgroup per few
 * lines in workgroup memory with a barrier between butterfly stages (a GPU's shape: every lane of
 * the workgroup busy on each stage, coalesced loads), with 256 lanes or, where barriers cost more
 * (measured on SwiftShader: 4× faster at L = 512), 64.
 */
export const tsneFftFamily: VariantFamily<FftShape> = {
  name: 'tsne_fft',
  variants: [
    { name: 'lanes', applies: (_t, s) => s.l <= FFT_MAX },
    { name: 'workgroup', applies: workgroupApplies },
    { name: 'workgroup-64', applies: workgroupApplies },
  ],
  shapeClass: (s) => `L:${s.l} dims:${s.dims}`,
  fallback: (t, s) => (t.isSoftware || s.l > FFT_WORKGROUP_CAP || t.workgroupStorage < 8 * FFT_WORKGROUP_CAP ? 'lanes' : 'workgroup'),
  trial(engine: Engine, s: FftShape): VariantTrial {
    // The field repulsion's own forward transform: zero padding skips the lines outside the
    // corner block. A smaller grid would misjudge the variants: with few lines, the line-per-
    // invocation shape leaves a CPU's cores idle that it fills on the real grid.
    const size = fftGridSize(s.l, s.dims);
    const r = seededRandom(11);
    const source = engine.tensor(Float32Array.from({ length: 2 * size }, () => r() - 0.5), [size, 2], { label: 'tsne_fft.trial.source' });
    const data = engine.empty([size, 2], 'f32', 'tsne_fft.trial.data');
    const twiddle = engine.tensor(fftTwiddles(s.l), [s.l], { label: 'tsne_fft.trial.twiddle' });
    return {
      run: (v) => {
        engine.copy(source, data);
        encodeTsneFft(engine, { l: s.l, dims: s.dims, inverse: false, block: s.l / 2 }, twiddle.slice(), data.slice(), v as FftVariant);
      },
      output: () => data.read(),
      dispose: () => { source.dispose(); data.dispose(); twiddle.dispose(); },
    };
  },
};

/** Records the FFT of `data` (see `encodeTsneFft`) with the variant the tuner chooses on this adapter. */
export function encodeFft(engine: Engine, c: FftCall, twiddle: BufferSlice, data: BufferSlice): void {
  encodeTsneFft(engine, c, twiddle, data, engine.tuner.choose(tsneFftFamily, { l: c.l, dims: c.dims }) as FftVariant);
}
