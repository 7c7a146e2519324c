import { refActivations } from './activations.js';
import type { RefLayer, RefNet } from './autoencoder.js';

function dense(x: Float64Array, rows: number, l: RefLayer, act: string, slope: number): Float64Array {
  const y = new Float64Array(rows * l.outputs);
  const f = refActivations[act];
  for (let r = 0; r < rows; r++) {
    for (let j = 0; j < l.outputs; j++) {
      let s = l.b[j];
      for (let k = 0; k < l.inputs; k++) s += x[r * l.inputs + k] * l.w[k * l.outputs + j];
      y[r * l.outputs + j] = f(s, slope);
    }
  }
  return y;
}

/** Float64 latent codes: the encoder's output, or a VAE's posterior means (the first half of its last layer). */
export function refEncode(net: RefNet, x: ArrayLike<number>, rows: number): Float64Array {
  let a = Float64Array.from(x);
  for (let l = 0; l < net.encoderCount; l++) a = dense(a, rows, net.layers[l], net.layers[l].activation, net.slope);
  if (net.latent === null) return a;
  const L = net.latent;
  const mu = new Float64Array(rows * L);
  for (let r = 0; r < rows; r++) for (let j = 0; j < L; j++) mu[r * L + j] = a[r * 2 * L + j];
  return mu;
}

/** Float64 decoder output after the output activation. */
export function refDecode(net: RefNet, z: ArrayLike<number>, rows: number): Float64Array {
  let a = Float64Array.from(z);
  for (let l = net.encoderCount; l < net.layers.length; l++) a = dense(a, rows, net.layers[l], net.layers[l].activation, net.slope);
  const f = refActivations[net.outputActivation];
  return a.map((v) => f(v, net.slope));
}
