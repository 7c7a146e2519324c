import { InvalidInputError, ShapeError } from '../../engine/errors.js';
import { ACTIVATIONS, LEAKY_SLOPE, type Activation } from '../../kernels/activations.js';

export type ReconstructionLoss = 'mse' | 'bce';
export type WeightInit = 'he' | 'glorot';

export interface OptimizerConfig {
  /** Adam (L2 from `weightDecay` added to the gradient), AdamW (decoupled decay), or SGD with momentum. */
  kind: 'adam' | 'adamw' | 'sgd';
  /** Learning rate (default 1e-3 for Adam/AdamW, 1e-2 for SGD). */
  lr: number;
  beta1: number;
  beta2: number;
  eps: number;
  /** SGD momentum (default 0.9). */
  momentum: number;
}

export interface AutoencoderConfig {
  /** Encoder widths from the input to the latent, e.g. [784, 256, 64]. */
  layers: number[];
  /** Decoder widths from the latent to the output (default: `layers` reversed). */
  decoderLayers?: number[];
  /** Hidden-layer activation (default relu). */
  activation?: Activation;
  /** Activation of the latent layer (default identity: a linear code). */
  latentActivation?: Activation;
  /** Applied to the decoder's last layer (default sigmoid, which BCE requires). */
  outputActivation?: Activation;
  /** Reconstruction loss (default bce; BCE is computed on logits). */
  loss?: ReconstructionLoss;
  /** Seed of weight init, shuffling and VAE noise (default 1). */
  seed?: number;
  /** He normal (default, for ReLU-like) or Glorot uniform weights; biases start at zero. */
  init?: WeightInit;
  /** L2 penalty on weights (decoupled for AdamW); default 0. */
  weightDecay?: number;
  optimizer?: Partial<OptimizerConfig>;
  /** Negative slope of leaky ReLU (default 0.01). */
  slope?: number;
}

export interface VaeConfig extends AutoencoderConfig {
  /** Weight of the KL term (β-VAE; default 1). */
  beta?: number;
}

export interface ResolvedConfig {
  layers: number[];
  decoderLayers: number[];
  activation: Activation;
  latentActivation: Activation;
  outputActivation: Activation;
  loss: ReconstructionLoss;
  seed: number;
  init: WeightInit;
  weightDecay: number;
  optimizer: OptimizerConfig;
  slope: number;
  variational: boolean;
  beta: number;
}

/** One dense layer of the chain: y = act(x·W + b), W stored [inputs, outputs]. */
export interface LayerSpec {
  name: string;
  inputs: number;
  outputs: number;
  activation: Activation;
}

function checkWidths(widths: unknown, what: string): number[] {
  if (!Array.isArray(widths) || widths.length < 2) {
    throw new InvalidInputError(`${what} must list at least two layer widths (input and output), got ${JSON.stringify(widths)}.`);
  }
  widths.forEach((w, i) => {
    if (!Number.isInteger(w) || w < 1) throw new InvalidInputError(`${what}[${i}] must be a positive integer, got ${w}.`);
  });
  return widths as number[];
}

function checkActivation(a: Activation, what: string): Activation {
  if (!ACTIVATIONS.includes(a)) throw new InvalidInputError(`${what} "${a}" is not one of ${ACTIVATIONS.join(', ')}.`);
  return a;
}

function positive(v: number, what: string): number {
  if (!(Number.isFinite(v) && v > 0)) throw new InvalidInputError(`${what} must be a positive number, got ${v}.`);
  return v;
}

export function resolveConfig(c: AutoencoderConfig & { beta?: number }, variational: boolean): ResolvedConfig {
  const layers = checkWidths(c.layers, 'layers');
  const latent = layers[layers.length - 1];
  const decoderLayers = checkWidths(c.decoderLayers ?? [...layers].reverse(), 'decoderLayers');
  if (decoderLayers[0] !== latent || decoderLayers[decoderLayers.length - 1] !== layers[0]) {
    throw new ShapeError(`decoderLayers must run from the latent width ${latent} to the input width ${layers[0]}, ` +
      `got ${JSON.stringify(decoderLayers)}.`);
  }
  const loss = c.loss ?? 'bce';
  if (loss !== 'mse' && loss !== 'bce') throw new InvalidInputError(`loss "${loss}" is not one of mse, bce.`);
  const outputActivation = checkActivation(c.outputActivation ?? 'sigmoid', 'outputActivation');
  if (loss === 'bce' && outputActivation !== 'sigmoid') {
    throw new InvalidInputError(`loss "bce" needs outputActivation "sigmoid", got "${outputActivation}".`);
  }
  const kind = c.optimizer?.kind ?? 'adam';
  if (!['adam', 'adamw', 'sgd'].includes(kind)) throw new InvalidInputError(`optimizer kind "${kind}" is not one of adam, adamw, sgd.`);
  const o = c.optimizer ?? {};
  const optimizer: OptimizerConfig = {
    kind,
    lr: positive(o.lr ?? (kind === 'sgd' ? 1e-2 : 1e-3), 'optimizer.lr'),
    beta1: o.beta1 ?? 0.9,
    beta2: o.beta2 ?? 0.999,
    eps: positive(o.eps ?? 1e-7, 'optimizer.eps'),
    momentum: o.momentum ?? 0.9,
  };
  for (const k of ['beta1', 'beta2', 'momentum'] as const) {
    if (!(optimizer[k] >= 0 && optimizer[k] < 1)) throw new InvalidInputError(`optimizer.${k} must be in [0, 1), got ${optimizer[k]}.`);
  }
  const weightDecay = c.weightDecay ?? 0;
  if (!(weightDecay >= 0 && Number.isFinite(weightDecay))) throw new InvalidInputError(`weightDecay must be ≥ 0, got ${weightDecay}.`);
  const beta = c.beta ?? 1;
  if (!(beta >= 0 && Number.isFinite(beta))) throw new InvalidInputError(`beta must be ≥ 0, got ${beta}.`);
  const init = c.init ?? 'he';
  if (init !== 'he' && init !== 'glorot') throw new InvalidInputError(`init "${init}" is not one of he, glorot.`);
  const seed = c.seed ?? 1;
  if (!Number.isInteger(seed) || seed < 0 || seed > 0xffffffff) throw new InvalidInputError(`seed must be a u32, got ${seed}.`);
  return {
    layers, decoderLayers, loss, outputActivation, optimizer, weightDecay, init, seed, variational, beta,
    activation: checkActivation(c.activation ?? 'relu', 'activation'),
    latentActivation: checkActivation(c.latentActivation ?? 'identity', 'latentActivation'),
    slope: c.slope ?? LEAKY_SLOPE,
  };
}

/**
 * The chain of dense layers: encoder then decoder. A VAE's last encoder layer is linear and twice
 * the latent width (mean and log-variance); the decoder's last layer always yields logits, the
 * output activation being applied by the loss and by `decode`.
 */
export function layerSpecs(c: ResolvedConfig): { specs: LayerSpec[]; encoderCount: number } {
  const specs: LayerSpec[] = [];
  const enc = c.layers;
  for (let i = 0; i + 1 < enc.length; i++) {
    const last = i + 2 === enc.length;
    specs.push({
      name: `encoder.${i}`, inputs: enc[i],
      outputs: last && c.variational ? 2 * enc[i + 1] : enc[i + 1],
      activation: last ? (c.variational ? 'identity' : c.latentActivation) : c.activation,
    });
  }
  const dec = c.decoderLayers;
  for (let i = 0; i + 1 < dec.length; i++) {
    specs.push({
      name: `decoder.${i}`, inputs: dec[i], outputs: dec[i + 1],
      activation: i + 2 === dec.length ? 'identity' : c.activation,
    });
  }
  return { specs, encoderCount: enc.length - 1 };
}
