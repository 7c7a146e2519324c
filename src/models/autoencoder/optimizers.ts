import type { Engine } from '../../engine/engine.js';
import { encodeOptimizerStep } from '../../kernels/optimizer_step.js';
import type { OptimizerConfig } from './config.js';
import type { DenseLayer } from './params.js';

/**
 * Optimiser state beyond the per-tensor moments held by each layer: the step count and the
 * schedule. Adam and AdamW use bias-corrected moments (Kingma & Ba, ICLR 2015); AdamW decays the
 * weights directly instead of through the gradient (Loshchilov & Hutter, ICLR 2019). Weight decay
 * applies to weights, not biases.
 */
export class Optimizer {
  step = 0;

  constructor(readonly config: OptimizerConfig, readonly weightDecay: number) {}

  /** Learning rate at `step` of a run: constant, or cosine-annealed to zero over `totalSteps` (Loshchilov & Hutter, SGDR, ICLR 2017). */
  learningRate(schedule: 'constant' | 'cosine', step: number, totalSteps: number): number {
    if (schedule === 'constant' || totalSteps <= 1) return this.config.lr;
    return this.config.lr * 0.5 * (1 + Math.cos(Math.PI * Math.min(step, totalSteps) / totalSteps));
  }

  /** Records one update of every layer from its gradients. */
  apply(engine: Engine, layers: DenseLayer[], lr: number): void {
    this.step++;
    const c = this.config;
    const adamw = c.kind === 'adamw';
    const common = {
      kind: c.kind === 'sgd' ? 'sgd' as const : 'adam' as const,
      lr, beta1: c.beta1, beta2: c.beta2, eps: c.eps, step: this.step, momentum: c.momentum,
    };
    for (const layer of layers) {
      const { inputs, outputs } = layer.spec;
      encodeOptimizerStep(engine, {
        ...common, rows: inputs, cols: outputs, l2: adamw ? 0 : this.weightDecay, wd: adamw ? this.weightDecay : 0,
        writeTransposed: true,
      }, layer.gW.slice(), layer.W.slice(), layer.mW.slice(), layer.vW.slice(), layer.Wt.slice());
      encodeOptimizerStep(engine, { ...common, rows: 1, cols: outputs, l2: 0, wd: 0, writeTransposed: false },
        layer.gb.slice(), layer.b.slice(), layer.mb.slice(), layer.vb.slice(), engine.placeholder());
    }
  }
}
