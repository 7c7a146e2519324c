import type { Engine } from '../../engine/engine.js';
import type { Tensor } from '../../engine/tensor.js';
import type { AutoencoderConfig } from './config.js';
import { AutoencoderModel } from './model.js';
import { fitModel, type FitOptions, type FitResult } from './training.js';

/**
 * A dense autoencoder trained on the GPU (Hinton & Salakhutdinov, "Reducing the dimensionality of
 * data with neural networks", Science 2006): encoder layers down to a latent code, a decoder
 * (mirrored unless given) back to the input, trained by minibatch Adam/AdamW/SGD on a
 * reconstruction loss.
 *
 * Loss reduction: each row's loss is summed over its features (BCE on logits, or squared error
 * after the output activation) and averaged over the rows of a batch; `fit` reports that mean
 * per epoch. `reconstructionError` gives the per-row mean squared error, comparable across models.
 *
 * @example
 * const ae = await Autoencoder.create(engine, { layers: [784, 256, 64], loss: 'bce', seed: 1 });
 * await ae.fit(pixels, { epochs: 10, batchSize: 256, validation: 0.1 });
 * const codes = ae.encode(x);
 */
export class Autoencoder extends AutoencoderModel {
  /** Builds the network with seeded weights. */
  static async create(engine: Engine, config: AutoencoderConfig): Promise<Autoencoder> {
    const ae = new Autoencoder(engine, AutoencoderModel.resolve(config, false));
    await ae.initialise();
    return ae;
  }

  /** Restores a model written by `save()`. */
  static async load(engine: Engine, bytes: Uint8Array): Promise<Autoencoder> {
    const { config, arrays } = AutoencoderModel.parse(bytes, 'autoencoder');
    const ae = new Autoencoder(engine, AutoencoderModel.resolve(config, false));
    ae.setWeights(arrays);
    return ae;
  }

  /** Trains on x ([rows, input width]); see FitOptions. Bad input is refused before any training. */
  fit(x: Tensor | Float32Array, options: FitOptions): Promise<FitResult> {
    this.assertAlive();
    return fitModel(this, x, options);
  }
}
