import type { Engine } from '../../engine/engine.js';
import { InvalidInputError, ShapeError } from '../../engine/errors.js';
import { formatShape } from '../../engine/shape.js';
import type { BufferSlice, Tensor } from '../../engine/tensor.js';
import { activationCode } from '../../kernels/activations.js';
import { encodeReconstructionLoss, type LossKind } from '../../kernels/reconstruction_loss.js';
import { elementwise } from '../../ops/elementwise.js';
import { layerSpecs, resolveConfig, type AutoencoderConfig, type ResolvedConfig } from './config.js';
import { forward, type Network } from './forward.js';
import { Optimizer } from './optimizers.js';
import { DenseLayer } from './params.js';
import { readSafetensors, writeSafetensors, type NamedArray } from './serialization.js';
import { Workspace } from './workspace.js';

/** Rows per pass when encoding, decoding or scoring data outside training. */
export const EVAL_ROWS = 2048;
const FORMAT = 'latentgpu.autoencoder';

/**
 * What the autoencoder and the VAE share: the layer chain on the GPU, batch workspaces, a host copy
 * of the weights (refreshed after create, fit and load, so that `save` needs no GPU read), and the
 * chunked evaluation passes.
 */
export class AutoencoderModel {
  readonly net: Network;
  protected readonly workspaces = new Map<string, Workspace>();
  protected host = new Map<string, NamedArray>();
  readonly optimizer: Optimizer;
  /** Epochs trained so far: each draws a new permutation. */
  epochsTrained = 0;
  private disposed = false;

  protected constructor(readonly engine: Engine, readonly config: ResolvedConfig) {
    const { specs, encoderCount } = layerSpecs(config);
    const latent = config.variational ? config.layers[config.layers.length - 1] : null;
    this.net = { layers: specs.map((s) => new DenseLayer(engine, s)), encoderCount, latent, slope: config.slope };
    this.optimizer = new Optimizer(config.optimizer, config.weightDecay);
  }

  /** Input (and output) width. */
  get inputWidth(): number { return this.config.layers[0]; }
  /** Latent width. */
  get latentWidth(): number { return this.config.layers[this.config.layers.length - 1]; }

  protected static resolve(c: AutoencoderConfig & { beta?: number }, variational: boolean): ResolvedConfig {
    return resolveConfig(c, variational);
  }

  /** Seeded initial weights, each layer its own Philox stream. */
  protected async initialise(): Promise<void> {
    this.net.layers.forEach((layer, i) => layer.initialise(this.config.init, this.config.seed, i));
    const arrays = await this.readWeights();
    for (const layer of this.net.layers) {
      layer.setWeights(arrays.get(`${layer.spec.name}.weight`)!.data, arrays.get(`${layer.spec.name}.bias`)!.data);
    }
    this.host = arrays;
  }

  /** Reads every weight and bias back (one flush). */
  async readWeights(): Promise<Map<string, NamedArray>> {
    const out = new Map<string, NamedArray>();
    for (const layer of this.net.layers) {
      for (const t of layer.parameters()) {
        out.set(t.label, { name: t.label, shape: [...t.shape], data: (await t.read()) as Float32Array });
      }
    }
    return out;
  }

  /** Refreshes the host copy used by `save`. */
  async syncHost(): Promise<void> {
    this.host = await this.readWeights();
  }

  workspace(rows: number, training: boolean): Workspace {
    const key = `${rows}:${training}`;
    let ws = this.workspaces.get(key);
    if (!ws) {
      ws = new Workspace(this.engine, rows, this.net.layers.map((l) => l.spec), this.net.latent, training);
      this.workspaces.set(key, ws);
    }
    return ws;
  }

  /** Training workspaces, freed after each fit. */
  trainingWorkspaces(): [string, Workspace][] {
    return [...this.workspaces].filter(([k]) => k.endsWith(':true'));
  }

  forgetWorkspace(key: string): void {
    this.workspaces.delete(key);
  }

  protected assertInput(x: Tensor, width: number, what: string): void {
    this.assertAlive();
    if (x.dtype !== 'f32' || x.cols !== width || x.rows === 0) {
      throw new ShapeError(`${what}: expected f32 rows of ${width} values, got ${formatShape(x.shape)} ${x.dtype}.`);
    }
  }

  /** Latent codes [n, latent] (a VAE's posterior means). */
  encode(x: Tensor): Tensor {
    this.assertInput(x, this.inputWidth, 'encode');
    const out = this.engine.empty([x.rows, this.latentWidth], 'f32', 'ae.codes');
    const klScratch = this.engine.empty([EVAL_ROWS], 'f32', 'ae.kl-scratch');
    this.inChunks(x.rows, (start, R, ws) => {
      this.engine.copy(x, ws.input, R * this.inputWidth, start * this.inputWidth, 0);
      forward(this.engine, this.net, ws, 0, this.net.encoderCount, { sample: false, seed: 0, step: 0, kl: klScratch.slice(), klOffset: 0 });
      const code = this.net.latent !== null ? ws.z! : ws.post[this.net.encoderCount - 1];
      this.engine.copy(code, out, R * this.latentWidth, 0, start * this.latentWidth);
    });
    klScratch.dispose();
    return out;
  }

  /** Reconstructions [n, input width] from codes [n, latent], after the output activation. */
  decode(z: Tensor): Tensor {
    this.assertInput(z, this.latentWidth, 'decode');
    const D = this.inputWidth;
    const L = this.latentWidth;
    const out = this.engine.empty([z.rows, D], 'f32', 'ae.decoded');
    const last = this.net.layers.length - 1;
    this.inChunks(z.rows, (start, R, ws) => {
      const code = this.net.latent !== null ? ws.z! : ws.post[this.net.encoderCount - 1];
      this.engine.copy(z, code, R * L, start * L, 0);
      forward(this.engine, this.net, ws, this.net.encoderCount, this.net.layers.length,
        { sample: false, seed: 0, step: 0, kl: this.engine.placeholder(), klOffset: 0 });
      const act = elementwise(this.engine, 'copy', ws.post[last], undefined,
        { activation: this.config.outputActivation, slope: this.config.slope, label: 'ae.decoded-chunk' });
      this.engine.copy(act, out, R * D, 0, start * D);
      act.dispose();
    });
    return out;
  }

  /** Reconstructions [n, input width]: the decoded codes of x (a VAE's posterior means, no sampling). */
  reconstruct(x: Tensor): Tensor {
    const z = this.encode(x);
    try { return this.decode(z); } finally { z.dispose(); }
  }

  /**
   * Per-row anomaly score [n]: the mean squared error between a row and its reconstruction
   * (after the output activation, through the posterior mean for a VAE).
   */
  reconstructionError(x: Tensor): Tensor {
    this.assertInput(x, this.inputWidth, 'reconstructionError');
    const out = this.engine.empty([x.rows], 'f32', 'ae.reconstruction-error');
    const kl = this.engine.empty([x.rows], 'f32', 'ae.kl-scratch');
    this.evaluate(x, 0, x.rows, 'mse', 1 / this.inputWidth, out.slice(), kl.slice());
    kl.dispose();
    return out;
  }

  /**
   * Scores rows [start, start + count) of x with the given loss, row r's value at rowLoss[r − start]
   * and (VAE) its KL at kl[r − start]. The encoder uses the mean, not a sample.
   */
  evaluate(x: Tensor, start: number, count: number, kind: LossKind, lossScale: number, rowLoss: BufferSlice, kl: BufferSlice): void {
    const D = this.inputWidth;
    const last = this.net.layers.length - 1;
    this.inChunks(count, (offset, R, ws) => {
      this.engine.copy(x, ws.input, R * D, (start + offset) * D, 0);
      forward(this.engine, this.net, ws, 0, this.net.layers.length, { sample: false, seed: 0, step: 0, kl, klOffset: offset });
      encodeReconstructionLoss(this.engine, {
        rows: R, d: D, kind, act: activationCode(this.config.outputActivation), slope: this.config.slope,
        gradScale: 0, lossScale, rowOffset: offset, writeGrad: false,
      }, ws.post[last].slice(), ws.input.slice(), this.engine.placeholder(), rowLoss);
    });
  }

  private inChunks(n: number, body: (start: number, rows: number, ws: Workspace) => void): void {
    for (let start = 0; start < n; start += EVAL_ROWS) {
      const R = Math.min(EVAL_ROWS, n - start);
      body(start, R, this.workspace(R, false));
    }
  }

  /** The model as safetensors bytes: weights [inputs, outputs] and biases, the config in __metadata__. */
  save(): Uint8Array {
    this.assertAlive();
    const arrays = this.net.layers.flatMap((l) => l.parameters().map((t) => this.host.get(t.label)!));
    const { variational, ...config } = this.config;
    return writeSafetensors(arrays, { format: FORMAT, version: '1', kind: variational ? 'vae' : 'autoencoder', config: JSON.stringify(config) });
  }

  /** Parses saved bytes into a config and arrays, checking the kind. */
  protected static parse(bytes: Uint8Array, kind: 'vae' | 'autoencoder'): { config: AutoencoderConfig & { beta?: number }; arrays: Map<string, NamedArray> } {
    const { arrays, metadata } = readSafetensors(bytes);
    if (metadata.format !== FORMAT || !metadata.config) {
      throw new InvalidInputError(`not a latentgpu autoencoder file (metadata format "${metadata.format ?? ''}").`);
    }
    if (metadata.kind !== kind) throw new InvalidInputError(`the file holds a ${metadata.kind}, not a ${kind}.`);
    return { config: JSON.parse(metadata.config), arrays };
  }

  /** Uploads loaded weights, checking every shape against the config. */
  protected setWeights(arrays: Map<string, NamedArray>): void {
    for (const layer of this.net.layers) {
      const { name, inputs, outputs } = layer.spec;
      const w = arrays.get(`${name}.weight`);
      const b = arrays.get(`${name}.bias`);
      if (!w || !b || w.data.length !== inputs * outputs || b.data.length !== outputs) {
        throw new InvalidInputError(`model file: ${name} must have weight [${inputs}, ${outputs}] and bias [${outputs}].`);
      }
      layer.setWeights(w.data, b.data);
      this.host.set(`${name}.weight`, { name: `${name}.weight`, shape: [inputs, outputs], data: w.data });
      this.host.set(`${name}.bias`, { name: `${name}.bias`, shape: [outputs], data: b.data });
    }
  }

  protected assertAlive(): void {
    if (this.disposed) throw new InvalidInputError('this model was disposed.');
  }

  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    for (const ws of this.workspaces.values()) ws.dispose();
    this.workspaces.clear();
    for (const l of this.net.layers) l.dispose();
  }

  [Symbol.dispose](): void {
    this.dispose();
  }
}
