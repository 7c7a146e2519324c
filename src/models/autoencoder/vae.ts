import type { Engine } from '../../engine/engine.js';
import { InvalidInputError } from '../../engine/errors.js';
import type { Tensor } from '../../engine/tensor.js';
import { encodeRandomFill } from '../../kernels/random_fill.js';
import { matmul } from '../../ops/matmul.js';
import type { VaeConfig } from './config.js';
import { AutoencoderModel } from './model.js';
import { fitModel, type FitOptions, type FitResult } from './training.js';

/**
 * A variational autoencoder (Kingma & Welling, "Auto-encoding variational Bayes", ICLR 2014;
 * β weighting from Higgins et al., ICLR 2017). The encoder's last layer gives the mean and
 * log-variance of q(z|x); training samples z = μ + σ⊙ε with a counter-based RNG on the GPU and
 * minimises, per row, reconstruction (summed over features) + β·KL(q ‖ N(0, I)), averaged over
 * the batch: the negative ELBO for β = 1. `encode` returns the means.
 */
export class VariationalAutoencoder extends AutoencoderModel {
  static async create(engine: Engine, config: VaeConfig): Promise<VariationalAutoencoder> {
    const vae = new VariationalAutoencoder(engine, AutoencoderModel.resolve(config, true));
    await vae.initialise();
    return vae;
  }

  static async load(engine: Engine, bytes: Uint8Array): Promise<VariationalAutoencoder> {
    const { config, arrays } = AutoencoderModel.parse(bytes, 'vae');
    const vae = new VariationalAutoencoder(engine, AutoencoderModel.resolve(config, true));
    vae.setWeights(arrays);
    return vae;
  }

  get beta(): number { return this.config.beta; }

  fit(x: Tensor | Float32Array, options: FitOptions): Promise<FitResult> {
    this.assertAlive();
    return fitModel(this, x, options);
  }

  /** n decoded draws from the prior N(0, I) (seeded). */
  sample(n: number, seed = this.config.seed + 1): Tensor {
    this.assertAlive();
    if (!Number.isInteger(n) || n < 1) throw new InvalidInputError(`sample: n must be a positive integer, got ${n}.`);
    const z = this.engine.empty([n, this.latentWidth], 'f32', 'vae.prior-sample');
    encodeRandomFill(this.engine, { n: n * this.latentWidth, normal: true, seed, stream: 0xfeed, lo: 0, hi: 1 }, z.slice());
    const out = this.decode(z);
    z.dispose();
    return out;
  }

  /**
   * Decodes `steps` evenly spaced points on the line from a to b (both included). a and b are
   * latent codes, or input rows, which are encoded (to their means) first.
   */
  interpolate(a: Tensor | number[], b: Tensor | number[], steps: number): Tensor {
    this.assertAlive();
    if (!Number.isInteger(steps) || steps < 2) throw new InvalidInputError(`interpolate: steps must be an integer ≥ 2, got ${steps}.`);
    const L = this.latentWidth;
    const ends = this.engine.empty([2, L], 'f32', 'vae.ends');
    [a, b].forEach((v, i) => {
      const t = Array.isArray(v) ? this.engine.tensor(Float32Array.from(v), [1, v.length]) : v;
      const code = t.size === L ? t : t.size === this.inputWidth ? this.encode(t.reshape([1, t.size])) : null;
      if (!code) throw new InvalidInputError(`interpolate: endpoint ${i} has ${t.size} values; expected a latent code (${L}) or an input row (${this.inputWidth}).`);
      this.engine.copy(code, ends, L, 0, i * L);
      if (code !== t) code.dispose();
      if (t !== v) t.dispose();
    });
    const w = new Float32Array(steps * 2);
    for (let s = 0; s < steps; s++) { const f = s / (steps - 1); w[2 * s] = 1 - f; w[2 * s + 1] = f; }
    const weights = this.engine.tensor(w, [steps, 2], { label: 'vae.interpolation-weights' });
    const path = matmul(this.engine, weights, ends, { label: 'vae.path' });
    const out = this.decode(path);
    for (const t of [ends, weights, path]) t.dispose();
    return out;
  }
}
