import type { Engine } from '../../engine/engine.js';
import type { Tensor } from '../../engine/tensor.js';
import type { LayerSpec } from './config.js';

/**
 * Activations and gradients for a batch of `rows` rows, allocated once per batch size and reused
 * by every step (the last, shorter batch of an epoch gets its own).
 */
export class Workspace {
  /** The batch, [rows, input width]. */
  readonly input: Tensor;
  /** Pre-activation of layer l, only where the backward pass needs it (GELU). */
  readonly pre: (Tensor | null)[];
  /** Output of layer l (after its activation); the last one holds logits. */
  readonly post: Tensor[];
  /** ∂loss/∂(pre-activation) of layer l. */
  readonly dZ: Tensor[];
  /** ∂loss/∂(input) of layer l, for l > 0. */
  readonly dA: (Tensor | null)[];
  /** VAE: latent sample, its noise. */
  readonly z: Tensor | null;
  readonly eps: Tensor | null;

  constructor(engine: Engine, readonly rows: number, specs: LayerSpec[], latent: number | null, training: boolean) {
    const R = rows;
    this.input = engine.empty([R, specs[0].inputs], 'f32', 'ae.batch');
    this.pre = specs.map((s) => (s.activation === 'gelu' ? engine.empty([R, s.outputs], 'f32', `${s.name}.pre`) : null));
    this.post = specs.map((s) => engine.empty([R, s.outputs], 'f32', `${s.name}.out`));
    this.dZ = training ? specs.map((s) => engine.empty([R, s.outputs], 'f32', `${s.name}.dZ`)) : [];
    this.dA = training ? specs.map((s, l) => (l > 0 ? engine.empty([R, s.inputs], 'f32', `${s.name}.dX`) : null)) : [];
    this.z = latent === null ? null : engine.empty([R, latent], 'f32', 'vae.z');
    this.eps = latent === null ? null : engine.empty([R, latent], 'f32', 'vae.eps');
  }

  dispose(): void {
    const all = [this.input, ...this.pre, ...this.post, ...this.dZ, ...this.dA, this.z, this.eps];
    for (const t of all) t?.dispose();
  }
}
