import type { Engine } from '../../engine/engine.js';
import type { Tensor } from '../../engine/tensor.js';
import { encodeTsneUpdate } from '../../kernels/tsne_update.js';

/** The schedule of the reference implementations (van der Maaten 2014; scikit-learn; openTSNE). */
export interface Schedule {
  iterations: number;
  earlyExaggeration: number;
  exaggerationIterations: number;
  /** Exaggeration after the early phase (1 = none; Linderman & Steinerberger 2019 for > 1). */
  lateExaggeration: number;
  /** Momentum during and after the early phase. */
  momentum: [number, number];
  learningRate: number;
  minGain: number;
}

/**
 * scikit-learn's 'auto' learning rate, max(N / early exaggeration / 4, 50) (Belkina et al. 2019,
 * "Automated optimized parameters for t-distributed stochastic neighbor embedding"; the /4 makes
 * up for the factor 4 in the gradient).
 */
export function autoLearningRate(n: number, earlyExaggeration: number): number {
  return Math.max(n / earlyExaggeration / 4, 50);
}

/**
 * Gradient descent with momentum and per-coordinate gains (Jacobs 1988, as in bhtsne and
 * scikit-learn). Velocities and gains are reset when the early-exaggeration phase ends, as
 * scikit-learn does by starting a second descent.
 */
export class GradientDescentState {
  readonly update: Tensor;
  readonly gains: Tensor;
  private readonly ones: Float32Array;

  constructor(private readonly engine: Engine, readonly size: number, readonly dims: number) {
    this.update = engine.zeros([size], 'f32', 'tsne.update');
    this.ones = new Float32Array(size).fill(1);
    this.gains = engine.tensor(this.ones, [size], { label: 'tsne.gains' });
  }

  reset(): void {
    this.engine.clear(this.update);
    this.gains.write(this.ones);
  }

  phase(s: Schedule, iteration: number): { exaggeration: number; momentum: number } {
    const early = iteration < s.exaggerationIterations;
    return { exaggeration: early ? s.earlyExaggeration : s.lateExaggeration, momentum: early ? s.momentum[0] : s.momentum[1] };
  }

  /** Records y ← y + update after the gradient 4(exaggeration·attr − rep/Z). */
  encodeStep(s: Schedule, iteration: number, attr: Tensor, rep: Tensor, z: Tensor, y: Tensor, perRowZ = false): void {
    if (iteration === s.exaggerationIterations && iteration > 0) this.reset();
    const { exaggeration, momentum } = this.phase(s, iteration);
    encodeTsneUpdate(this.engine, {
      size: this.size, dims: this.dims, exaggeration, momentum, learningRate: s.learningRate, minGain: s.minGain, perRowZ,
    }, attr.slice(), rep.slice(), z.slice(), y.slice(), this.update.slice(), this.gains.slice());
  }

  dispose(): void {
    this.update.dispose();
    this.gains.dispose();
  }
}
