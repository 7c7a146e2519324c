import { InvalidArgumentError } from 'commander';
import { InvalidInputError } from '../engine/errors.js';
import type { Tensor } from '../engine/tensor.js';
import { writeAtomic } from '../io/write.js';
import { Autoencoder, VariationalAutoencoder } from '../models/autoencoder/index.js';
import { knnAccuracy, trustworthiness } from '../metrics/quality.js';
import { PCA, type RowSource } from '../models/pca/index.js';
import { formatBytes } from '../engine/errors.js';
import { round } from './progress.js';
import type { RunContext } from './context.js';

/** `--via pca:50` or `--via ae:32`: a first reduction before t-SNE or k-means. */
export interface ViaSpec { method: 'pca' | 'ae'; dims: number }

export function parseVia(value: string): ViaSpec {
  const m = /^(pca|ae):(\d+)$/.exec(value.trim());
  if (!m || Number(m[2]) < 1) throw new InvalidArgumentError('expected pca:N or ae:N, e.g. pca:50.');
  return { method: m[1] as 'pca' | 'ae', dims: Number(m[2]) };
}

/**
 * The input of a reducing command: on the GPU as one tensor, or (larger than one GPU buffer) rows
 * streamed from the host, which only PCA takes.
 */
export type DataInput = Tensor | RowSource;

export function isStreamed(x: DataInput): x is RowSource {
  return !('dtype' in x);
}

/** The input as one GPU tensor, or a clear error naming what needs it and what to do instead. */
export function wholeTensor(x: DataInput, what: string): Tensor {
  if (!isStreamed(x)) return x;
  throw new InvalidInputError(`the data (${x.rows}×${x.cols}, ${formatBytes(x.rows * x.cols * 4)} as float32) is larger than one buffer ` +
    `of this GPU, and ${what} needs it in one. PCA streams such data: use --via pca:50 (or reduce it first with latentgpu pca), or --limit.`);
}

/** PCA to `dims` components as a timed stage; the projection stays on the GPU. Streamed rows are fitted and projected block by block. */
export async function pcaStage(ctx: RunContext, x: DataInput, dims: number, seed: number): Promise<Tensor> {
  const engine = await ctx.engine();
  if (dims > Math.min(x.rows, x.cols)) {
    throw new InvalidInputError(`PCA to ${dims} dimensions needs at least ${dims} rows and columns; the data is ${x.rows}×${x.cols}.`);
  }
  return ctx.reporter.stage('pca', async (p) => {
    const onProgress = (d: number, t: number) => { p.update(d, t); ctx.checkAbort(); };
    const streamed = isStreamed(x);
    const pca = streamed
      ? await PCA.fitRows(engine, x, { components: dims, seed, signal: ctx.signal, onProgress })
      : await PCA.fit(engine, x, { components: dims, seed, signal: ctx.signal, onProgress });
    try {
      ctx.summary.pca = { components: dims, explained_variance: round(pca.explainedVarianceRatio.reduce((a, b) => a + b, 0), 4),
        ...(streamed ? { streamed: true } : {}) };
      if (!streamed) return ctx.track(pca.transform(x));
      const z = await pca.transformRows(x, { signal: ctx.signal });
      return ctx.track(engine.tensor(z, [x.rows, dims], { label: 'pca.projection' }));
    } finally {
      pca.dispose();
    }
  });
}

export interface AutoencoderChoice {
  variational: boolean;
  /** Encoder widths after the input, ending with the latent. */
  layers: number[];
  epochs: number;
  batchSize: number;
  seed: number;
  loss?: 'bce' | 'mse';
  saveModel?: string;
  force?: boolean;
}

/** Data in [0, 1] (pixels, frequencies) suits a sigmoid output with BCE; anything else MSE. */
export function chooseLoss(x: Float32Array): 'bce' | 'mse' {
  for (let i = 0; i < x.length; i++) if (!(x[i] >= 0 && x[i] <= 1)) return 'mse';
  return 'bce';
}

/**
 * Refuses `--loss bce` on data outside [0, 1]: binary cross-entropy against targets outside the
 * sigmoid's range has no minimum there (the loss runs to large negative values) and trains nothing useful.
 */
export function checkLoss(loss: 'bce' | 'mse', x: Float32Array, name: string): void {
  if (loss !== 'bce' || chooseLoss(x) === 'bce') return;
  let lo = Infinity;
  let hi = -Infinity;
  for (const v of x) { if (v < lo) lo = v; if (v > hi) hi = v; }
  throw new InvalidInputError(`--loss bce needs values in [0, 1], but ${name} ranges from ${+lo.toPrecision(4)} to ${+hi.toPrecision(4)}; ` +
    'use --loss mse, or rescale the data to [0, 1] first.');
}

/** Trains an autoencoder (or VAE) as the `train` stage, with per-epoch progress; returns the model. */
export async function trainAutoencoder(ctx: RunContext, x: Tensor, host: Float32Array, c: AutoencoderChoice): Promise<Autoencoder | VariationalAutoencoder> {
  const engine = await ctx.engine();
  const loss = c.loss ?? chooseLoss(host);
  checkLoss(loss, host, ctx.summary.input ? (ctx.summary.input as { name: string }).name : 'the input');
  const config = {
    layers: [x.cols, ...c.layers], loss, seed: c.seed, activation: 'relu' as const,
    outputActivation: loss === 'bce' ? 'sigmoid' as const : 'identity' as const,
  };
  const model = ctx.track(c.variational ? await VariationalAutoencoder.create(engine, config) : await Autoencoder.create(engine, config));
  const batchSize = Math.min(c.batchSize, x.rows);
  const result = await ctx.reporter.stage('train', (p) => model.fit(x, {
    epochs: c.epochs, batchSize,
    onBatch: (b) => {
      p.update((b.epoch - 1) * b.batches + b.batch + 1, c.epochs * b.batches);
      ctx.checkAbort();
    },
    onEpoch: (e) => {
      ctx.reporter.event({ event: 'epoch', epoch: e.epoch, loss: e.loss, val_loss: e.valLoss, seconds: round(e.seconds) });
      ctx.checkAbort();
    },
  }));
  const last = result.history[result.history.length - 1];
  ctx.summary.training = { model: c.variational ? 'vae' : 'autoencoder', layers: config.layers, loss, epochs: result.history.length, final_loss: last?.loss };
  if (c.saveModel) {
    const bytes = model.save();
    writeAtomic(c.saveModel, (append) => append(bytes), c.force);
    ctx.summary.outputs = [...((ctx.summary.outputs as string[]) ?? []), c.saveModel];
  }
  return model;
}

/** Applies `--via`: PCA, or an autoencoder trained on the data, giving its codes. */
export async function viaStage(ctx: RunContext, input: DataInput, host: Float32Array | (() => Float32Array), via: ViaSpec | undefined, seed: number,
  ae: { epochs: number; batchSize: number }): Promise<Tensor> {
  if (via?.method === 'pca' && via.dims < input.cols) return pcaStage(ctx, input, via.dims, seed);
  const x = wholeTensor(input, via ? `--via ${via.method}:${via.dims}` : 'this method without --via');
  if (!via || via.dims >= x.cols) return x;
  const model = await trainAutoencoder(ctx, x, typeof host === 'function' ? host() : host, {
    variational: false, layers: [Math.max(via.dims, Math.min(256, x.cols)), via.dims], epochs: ae.epochs, batchSize: ae.batchSize, seed,
  });
  return ctx.track(model.encode(x));
}

/** Rows whose neighbourhoods trustworthiness scores: a seeded sample keeps it to seconds on a CPU adapter. */
export const TRUSTWORTHINESS_SAMPLE = 500;
/** Above this many rows the 10-NN accuracy scores a seeded sample of this many test rows (O(sample·n), not O(n²)). */
export const ACCURACY_SAMPLE = 100_000;

/**
 * With labels: 10-NN classification accuracy of the embedding (5-fold, as scikit-learn scores
 * embeddings) and trustworthiness of its 10-neighbourhoods against the input (Venna & Kaski 2001).
 */
export async function embeddingMetrics(ctx: RunContext, x: DataInput, emb: Tensor, labels: Int32Array | undefined): Promise<void> {
  if (!labels || emb.rows < 25 || ctx.opts.metrics === false) return;
  const engine = await ctx.engine();
  if (isStreamed(x)) ctx.reporter.note('metrics: trustworthiness is skipped for input larger than one GPU buffer (it compares with the input\'s own neighbours).');
  const metrics = await ctx.reporter.stage('metrics', async (p) => {
    const accuracy = await knnAccuracy(engine, emb, labels, 10, 5, { sample: ACCURACY_SAMPLE, seed: 1 });
    p.update(1, 2);
    ctx.checkAbort();
    if (isStreamed(x)) return { knn_accuracy_10: round(accuracy, 4) };
    const trust = await trustworthiness(engine, x, emb, 10, { sample: TRUSTWORTHINESS_SAMPLE, seed: 1 });
    p.update(2, 2);
    return { knn_accuracy_10: round(accuracy, 4), trustworthiness_10: round(trust, 4) };
  });
  ctx.summary.metrics = { ...(ctx.summary.metrics as object), ...metrics,
    ...(emb.rows > ACCURACY_SAMPLE ? { knn_accuracy_sampled_rows: ACCURACY_SAMPLE } : {}) };
}
