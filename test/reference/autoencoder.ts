// Float64 references for the autoencoder: forward pass and loss, optimiser steps, Philox4x32-10.
import { refActivations } from './activations.js';

export interface RefLayer { w: Float64Array; b: Float64Array; inputs: number; outputs: number; activation: string }

export interface RefNet {
  layers: RefLayer[];
  encoderCount: number;
  /** VAE latent width, or null. */
  latent: number | null;
  loss: 'mse' | 'bce';
  outputActivation: string;
  slope: number;
  beta: number;
}

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

/**
 * Mean over rows of the per-row loss: Σ_c ℓ(z, y) (+ β·KL for a VAE, with the given noise eps
 * [rows, latent]), as latentgpu defines it.
 */
export function refLoss(net: RefNet, x: Float64Array, rows: number, eps?: Float64Array): number {
  let a = x;
  let kl = 0;
  net.layers.forEach((l, i) => {
    a = dense(a, rows, l, l.activation, net.slope);
    if (net.latent !== null && i + 1 === net.encoderCount) {
      const L = net.latent;
      const z = new Float64Array(rows * L);
      for (let r = 0; r < rows; r++) {
        for (let j = 0; j < L; j++) {
          const mu = a[r * 2 * L + j];
          const lv = a[r * 2 * L + L + j];
          z[r * L + j] = mu + Math.exp(0.5 * lv) * eps![r * L + j];
          kl += 0.5 * (mu * mu + Math.exp(lv) - 1 - lv);
        }
      }
      a = z;
    }
  });
  const d = net.layers[0].inputs;
  let loss = 0;
  for (let i = 0; i < rows * d; i++) {
    const z = a[i];
    const y = x[i];
    if (net.loss === 'bce') loss += Math.max(z, 0) - z * y + Math.log1p(Math.exp(-Math.abs(z)));
    else loss += (refActivations[net.outputActivation](z, net.slope) - y) ** 2;
  }
  return (loss + net.beta * kl) / rows;
}

/** Central finite differences of refLoss with respect to every weight and bias, in layer order. */
export function refGradients(net: RefNet, x: Float64Array, rows: number, eps?: Float64Array, h = 1e-5) {
  return net.layers.map((l) => {
    const grad = (p: Float64Array) => Float64Array.from(p, (_, i) => {
      const keep = p[i];
      p[i] = keep + h;
      const up = refLoss(net, x, rows, eps);
      p[i] = keep - h;
      const down = refLoss(net, x, rows, eps);
      p[i] = keep;
      return (up - down) / (2 * h);
    });
    return { w: grad(l.w), b: grad(l.b) };
  });
}

export interface RefAdam { kind: 'adam' | 'sgd'; lr: number; beta1: number; beta2: number; eps: number; step: number; l2: number; wd: number; momentum: number }

/** One optimiser step in float64, as shaders/optimizer_step.wgsl documents it. */
export function refOptimizerStep(o: RefAdam, w: Float64Array, g: Float64Array, m: Float64Array, v: Float64Array): void {
  for (let i = 0; i < w.length; i++) {
    const gi = g[i] + o.l2 * w[i];
    if (o.kind === 'adam') {
      m[i] = o.beta1 * m[i] + (1 - o.beta1) * gi;
      v[i] = o.beta2 * v[i] + (1 - o.beta2) * gi * gi;
      const mh = m[i] / (1 - o.beta1 ** o.step);
      const vh = v[i] / (1 - o.beta2 ** o.step);
      w[i] -= o.lr * (mh / (Math.sqrt(vh) + o.eps) + o.wd * w[i]);
    } else {
      m[i] = o.momentum * m[i] + gi;
      w[i] -= o.lr * m[i];
    }
  }
}

function mulhilo(a: number, b: number): [number, number] {
  const p = BigInt(a >>> 0) * BigInt(b >>> 0);
  return [Number(p >> 32n) >>> 0, Number(p & 0xffffffffn) >>> 0];
}

/** Philox4x32-10 (Salmon et al. 2011), with BigInt products as the reference for the WGSL version. */
export function philox4x32(counter: [number, number, number, number], key: [number, number]): number[] {
  let [c0, c1, c2, c3] = counter.map((v) => v >>> 0);
  let [k0, k1] = key.map((v) => v >>> 0);
  for (let r = 0; r < 10; r++) {
    const [hi0, lo0] = mulhilo(0xd2511f53, c0);
    const [hi1, lo1] = mulhilo(0xcd9e8d57, c2);
    [c0, c1, c2, c3] = [(hi1 ^ c1 ^ k0) >>> 0, lo1, (hi0 ^ c3 ^ k1) >>> 0, lo0];
    k0 = (k0 + 0x9e3779b9) >>> 0;
    k1 = (k1 + 0xbb67ae85) >>> 0;
  }
  return [c0, c1, c2, c3];
}
