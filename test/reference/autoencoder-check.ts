// Shared by the autoencoder tests: synthetic data and the gradient check against float64.
import type { AutoencoderModel } from '../../src/models/autoencoder/model.js';
import { computeGradients } from '../../src/models/autoencoder/training.js';
import { expectClose, gaussian, rng } from '../helpers.js';
import { refGradients, type RefNet } from './autoencoder.js';

/** Rows near a 2-d manifold in [0, 1]^d: something an autoencoder can learn. */
export function lowRankData(n: number, d: number, seed: number): Float32Array {
  const r = rng(seed);
  const basis = Array.from({ length: 2 * d }, () => 2 * gaussian(r));
  const x = new Float32Array(n * d);
  for (let i = 0; i < n; i++) {
    const z = [gaussian(r), gaussian(r)];
    for (let j = 0; j < d; j++) x[i * d + j] = 1 / (1 + Math.exp(-(z[0] * basis[j] + z[1] * basis[d + j])));
  }
  return x;
}

/** The model's layers as a float64 reference network. */
export async function refNet(model: AutoencoderModel): Promise<RefNet> {
  const w = await model.readWeights();
  return {
    layers: model.net.layers.map((l) => ({
      w: Float64Array.from(w.get(`${l.spec.name}.weight`)!.data), b: Float64Array.from(w.get(`${l.spec.name}.bias`)!.data),
      inputs: l.spec.inputs, outputs: l.spec.outputs, activation: l.spec.activation,
    })),
    encoderCount: model.net.encoderCount, latent: model.net.latent, loss: model.config.loss,
    outputActivation: model.config.outputActivation, slope: model.config.slope, beta: model.config.beta,
  };
}

/**
 * GPU gradients (f32) against central differences of the float64 forward. Bound per element:
 * |g − fd| ≤ 2e-4·max|fd| + 2e-3·|fd|: f32 rounding over reductions of ≤ 8 terms is ~1e-6
 * relative, the differences' truncation error ~1e-9.
 */
export async function checkGradients(model: AutoencoderModel, x: Float32Array, rows: number, eps?: (ws: Awaited<ReturnType<typeof computeGradients>>['ws']) => Promise<Float64Array>) {
  const engine = model.engine;
  const xt = engine.tensor(x, [rows, model.inputWidth]);
  const { ws, rowLoss, rowKl } = computeGradients(model, xt, 1);
  const noise = eps ? await eps(ws) : undefined;
  const ref = refGradients(await refNet(model), Float64Array.from(x), rows, noise);
  for (const [i, layer] of model.net.layers.entries()) {
    const gw = (await layer.gW.read()) as Float32Array;
    const gb = (await layer.gb.read()) as Float32Array;
    const scale = Math.max(...ref[i].w.map(Math.abs), ...ref[i].b.map(Math.abs));
    expectClose(gw, ref[i].w, 2e-4 * scale, 2e-3, `${layer.spec.name} dW`);
    expectClose(gb, ref[i].b, 2e-4 * scale, 2e-3, `${layer.spec.name} db`);
  }
  for (const t of [xt, rowLoss, rowKl]) t.dispose();
}

