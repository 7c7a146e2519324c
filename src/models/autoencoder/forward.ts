import type { Engine } from '../../engine/engine.js';
import type { BufferSlice, Tensor } from '../../engine/tensor.js';
import { elementwise } from '../../ops/elementwise.js';
import { matmul } from '../../ops/matmul.js';
import { encodeReparameterize } from '../../kernels/vae_reparameterize.js';
import type { DenseLayer } from './params.js';
import type { Workspace } from './workspace.js';

/** The layer chain as the passes see it. */
export interface Network {
  layers: DenseLayer[];
  /** Layers [0, encoderCount) are the encoder. */
  encoderCount: number;
  /** Latent width of a VAE (null for a plain autoencoder). */
  latent: number | null;
  slope: number;
}

/** What the first decoder layer reads: the VAE sample, or the encoder's output. */
export function inputOf(net: Network, ws: Workspace, l: number): Tensor {
  if (l === 0) return ws.input;
  if (net.latent !== null && l === net.encoderCount) return ws.z!;
  return ws.post[l - 1];
}

export interface SampleOptions {
  /** Draw ε (training) or use the mean (evaluation). */
  sample: boolean;
  seed: number;
  step: number;
  /** Where each row's KL goes (a VAE's row-KL buffer); ignored for a plain autoencoder. */
  kl: BufferSlice;
  klOffset: number;
}

/** Runs layers [from, to) on the workspace; a VAE samples z after its encoder. */
export function forward(engine: Engine, net: Network, ws: Workspace, from: number, to: number, s: SampleOptions): void {
  for (let l = from; l < to; l++) {
    const layer = net.layers[l];
    const { activation } = layer.spec;
    const x = inputOf(net, ws, l);
    if (activation === 'gelu') {
      // The backward pass needs GELU's input: keep the product, then activate it separately.
      matmul(engine, x, layer.W, { bias: layer.b, out: ws.pre[l]! });
      elementwise(engine, 'copy', ws.pre[l]!, undefined, { activation, out: ws.post[l] });
    } else {
      matmul(engine, x, layer.W, { bias: layer.b, activation, slope: net.slope, out: ws.post[l] });
    }
    if (net.latent !== null && l + 1 === net.encoderCount) {
      encodeReparameterize(engine, {
        rows: ws.rows, latent: net.latent, seed: s.seed, step: s.step, sample: s.sample, rowOffset: s.klOffset, klScale: 1,
      }, ws.post[l].slice(), ws.z!.slice(), ws.eps!.slice(), s.kl);
    }
  }
}
