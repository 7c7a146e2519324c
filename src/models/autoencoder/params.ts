import type { Engine } from '../../engine/engine.js';
import type { Tensor } from '../../engine/tensor.js';
import { encodeRandomFill } from '../../kernels/random_fill.js';
import type { LayerSpec, WeightInit } from './config.js';

/**
 * Parameters of one dense layer with their gradients and optimiser moments, all on the GPU.
 * W is [inputs, outputs] (y = x·W + b); Wᵀ is kept beside it, rewritten by every optimiser step,
 * because the backward product dX = dZ·Wᵀ runs on the fast row-major matmul path.
 */
export class DenseLayer {
  readonly W: Tensor;
  readonly Wt: Tensor;
  readonly b: Tensor;
  readonly gW: Tensor;
  readonly gb: Tensor;
  readonly mW: Tensor;
  readonly vW: Tensor;
  readonly mb: Tensor;
  readonly vb: Tensor;

  constructor(readonly engine: Engine, readonly spec: LayerSpec) {
    const { inputs: i, outputs: o, name } = spec;
    this.W = engine.zeros([i, o], 'f32', `${name}.weight`);
    this.Wt = engine.zeros([o, i], 'f32', `${name}.weightT`);
    this.b = engine.zeros([o], 'f32', `${name}.bias`);
    this.gW = engine.zeros([i, o], 'f32', `${name}.weight.grad`);
    this.gb = engine.zeros([o], 'f32', `${name}.bias.grad`);
    this.mW = engine.zeros([i, o], 'f32', `${name}.weight.m`);
    this.vW = engine.zeros([i, o], 'f32', `${name}.weight.v`);
    this.mb = engine.zeros([o], 'f32', `${name}.bias.m`);
    this.vb = engine.zeros([o], 'f32', `${name}.bias.v`);
  }

  /**
   * Seeded initial weights: He normal, N(0, 2/fan_in) (He et al., ICCV 2015), or Glorot uniform,
   * U(±√(6/(fan_in+fan_out))) (Glorot & Bengio, AISTATS 2010). Biases are zero. Wᵀ is set by `setWeights`.
   */
  initialise(kind: WeightInit, seed: number, stream: number): void {
    const { inputs, outputs } = this.spec;
    if (kind === 'he') {
      encodeRandomFill(this.engine, { n: inputs * outputs, normal: true, seed, stream, lo: 0, hi: Math.sqrt(2 / inputs) }, this.W.slice());
    } else {
      const limit = Math.sqrt(6 / (inputs + outputs));
      encodeRandomFill(this.engine, { n: inputs * outputs, normal: false, seed, stream, lo: -limit, hi: limit }, this.W.slice());
    }
  }

  /** Uploads weights [inputs, outputs] and bias, and the transposed copy. */
  setWeights(w: Float32Array, b: Float32Array): void {
    const { inputs, outputs } = this.spec;
    this.W.write(w);
    this.b.write(b);
    const t = new Float32Array(w.length);
    for (let r = 0; r < inputs; r++) for (let c = 0; c < outputs; c++) t[c * inputs + r] = w[r * outputs + c];
    this.Wt.write(t);
  }

  /** Parameters in save order. */
  parameters(): Tensor[] {
    return [this.W, this.b];
  }

  dispose(): void {
    for (const t of [this.W, this.Wt, this.b, this.gW, this.gb, this.mW, this.vW, this.mb, this.vb]) t.dispose();
  }
}
