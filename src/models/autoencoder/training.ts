import { InvalidInputError } from '../../engine/errors.js';
import type { Tensor } from '../../engine/tensor.js';
import { activationCode } from '../../kernels/activations.js';
import { encodeFeistelPermutation } from '../../kernels/feistel_permutation.js';
import { encodeReconstructionLoss } from '../../kernels/reconstruction_loss.js';
import { reduce } from '../../ops/reduce.js';
import { tuneMatmul } from '../../ops/matmul.js';
import { backward } from './backward.js';
import { deviceData, gatherBatch } from './data.js';
import { forward } from './forward.js';
import type { AutoencoderModel } from './model.js';

export interface EpochEvent {
  /** 1-based. */
  epoch: number;
  /** Mean over training rows of the per-row loss: Σ over features (+ β·KL for a VAE). */
  loss: number;
  /** The same on the validation rows, the encoder using its mean. */
  valLoss?: number;
  /** Wall time of the epoch, validation included. */
  seconds: number;
}

export interface FitOptions {
  epochs: number;
  batchSize: number;
  /** Rows of x when x is a Float32Array (default: its length / input width). */
  rows?: number;
  /** Validation data, or the fraction of x's last rows held out (0 < f < 1). */
  validation?: Tensor | Float32Array | number;
  lrSchedule?: 'constant' | 'cosine';
  /** Stop after `patience` epochs without a lower validation (or training) loss, keeping the best weights. */
  earlyStopping?: { patience: number };
  onEpoch?: (e: EpochEvent) => void;
  /** Called after each batch is recorded (no GPU readback). */
  onBatch?: (b: { epoch: number; batch: number; batches: number }) => void;
}

export interface FitResult {
  history: EpochEvent[];
  stoppedEarly: boolean;
  /** Epoch whose weights the model holds (the best one under early stopping). */
  bestEpoch: number;
}

function checkOptions(o: FitOptions, n: number): void {
  if (!Number.isInteger(o.epochs) || o.epochs < 1) throw new InvalidInputError(`epochs must be a positive integer, got ${o.epochs}.`);
  if (!Number.isInteger(o.batchSize) || o.batchSize < 1) {
    throw new InvalidInputError(`batchSize must be a positive integer, got ${o.batchSize}.`);
  }
  if (o.batchSize > n) throw new InvalidInputError(`batchSize ${o.batchSize} is larger than the ${n} training rows.`);
  if (o.earlyStopping && !(Number.isInteger(o.earlyStopping.patience) && o.earlyStopping.patience >= 1)) {
    throw new InvalidInputError(`earlyStopping.patience must be a positive integer, got ${o.earlyStopping.patience}.`);
  }
}

/**
 * Minibatch training, all on the GPU: the data is uploaded once; each epoch draws a seeded
 * permutation (a Feistel bijection, one dispatch) and gathers each batch by index; per-row losses
 * go to a GPU buffer that is summed and read once per epoch.
 */
export async function fitModel(model: AutoencoderModel, x: Tensor | Float32Array, o: FitOptions): Promise<FitResult> {
  const { engine } = model;
  const D = model.inputWidth;
  if (x instanceof Float32Array && o.rows !== undefined && o.rows * D !== x.length) {
    throw new InvalidInputError(`x has ${x.length} values, not rows (${o.rows}) × input width (${D}).`);
  }
  const data = await deviceData(engine, x, D, 'training data');
  const owned: Tensor[] = data.owned ? [data.x] : [];
  try {
    let nTrain = data.x.rows;
    let val: Tensor | null = null;
    let valStart = 0;
    let nVal = 0;
    if (typeof o.validation === 'number') {
      if (!(o.validation > 0 && o.validation < 1)) throw new InvalidInputError(`validation fraction must be in (0, 1), got ${o.validation}.`);
      nVal = Math.floor(nTrain * o.validation);
      if (nVal < 1 || nVal >= nTrain) throw new InvalidInputError(`validation fraction ${o.validation} of ${nTrain} rows leaves no validation or no training rows.`);
      nTrain -= nVal;
      val = data.x;
      valStart = nTrain;
    } else if (o.validation !== undefined) {
      const v = await deviceData(engine, o.validation, D, 'validation data');
      if (v.owned) owned.push(v.x);
      val = v.x;
      nVal = v.x.rows;
    }
    checkOptions(o, nTrain);
    const widest = Math.max(...model.net.layers.map((l) => Math.max(l.spec.inputs, l.spec.outputs)));
    const max = engine.limits.maxStorageBufferBindingSize;
    if (o.batchSize * widest * 4 > max) {
      throw new InvalidInputError(`batchSize ${o.batchSize} makes a batch of ${o.batchSize}×${widest} values, larger than one ` +
        `storage binding (${max} bytes); use at most ${Math.floor(max / (4 * widest))}.`);
    }
    // Each layer's forward product and its two gradients, measured once per adapter and shape class.
    for (const l of model.net.layers) {
      const x = { rows: o.batchSize, cols: l.spec.inputs };
      const w = { rows: l.spec.inputs, cols: l.spec.outputs };
      const dz = { rows: o.batchSize, cols: l.spec.outputs };
      await tuneMatmul(engine, x, w);
      await tuneMatmul(engine, x, dz, { transA: true });
      await tuneMatmul(engine, dz, { rows: l.spec.outputs, cols: l.spec.inputs });
    }
    return await trainEpochs(model, data.x, nTrain, val, valStart, nVal, o);
  } finally {
    for (const t of owned) t.dispose();
    await model.syncHost();
  }
}

async function trainEpochs(model: AutoencoderModel, x: Tensor, nTrain: number, val: Tensor | null, valStart: number,
  nVal: number, o: FitOptions): Promise<FitResult> {
  const { engine, config, net } = model;
  const D = model.inputWidth;
  const B = o.batchSize;
  const last = net.layers.length - 1;
  const vae = net.latent !== null;
  const optimizer = model.optimizer;
  const batches = Math.ceil(nTrain / B);
  const totalSteps = o.epochs * batches;
  const firstStep = optimizer.step;
  const perm = engine.empty([nTrain], 'u32', 'ae.permutation');
  const rowLoss = engine.zeros([nTrain], 'f32', 'ae.row-loss');
  const rowKl = engine.zeros([vae ? nTrain : 1], 'f32', 'ae.row-kl');
  const valLoss = engine.zeros([Math.max(nVal, 1)], 'f32', 'ae.val-row-loss');
  const valKl = engine.zeros([Math.max(nVal, 1)], 'f32', 'ae.val-row-kl');
  const sums = engine.zeros([4], 'f32', 'ae.epoch-sums');
  const best = o.earlyStopping ? net.layers.flatMap((l) => [l.W, l.b, l.Wt]).map((t) => ({ src: t, copy: engine.empty(t.shape, 'f32', `${t.label}.best`) })) : [];
  const history: EpochEvent[] = [];
  let bestValue = Infinity;
  let bestEpoch = 0;
  let wait = 0;
  let stoppedEarly = false;
  const act = activationCode(config.outputActivation);
  try {
    for (let epoch = 1; epoch <= o.epochs; epoch++) {
      const t0 = performance.now();
      encodeFeistelPermutation(engine, nTrain, config.seed, ++model.epochsTrained, perm.slice());
      for (let b = 0; b < batches; b++) {
        const start = b * B;
        const R = Math.min(B, nTrain - start);
        const ws = model.workspace(R, true);
        gatherBatch(engine, x, perm, start, R, ws.input);
        const step = optimizer.step + 1;
        forward(engine, net, ws, 0, net.layers.length, { sample: true, seed: config.seed, step, kl: rowKl.slice(), klOffset: start });
        encodeReconstructionLoss(engine, {
          rows: R, d: D, kind: config.loss, act, slope: config.slope, gradScale: 1 / R, lossScale: 1, rowOffset: start, writeGrad: true,
        }, ws.post[last].slice(), ws.input.slice(), ws.dZ[last].slice(), rowLoss.slice());
        backward(engine, net, ws, config.beta / R);
        optimizer.apply(engine, net.layers, optimizer.learningRate(o.lrSchedule ?? 'constant', optimizer.step - firstStep, totalSteps));
        o.onBatch?.({ epoch, batch: b, batches });
      }
      if (val) model.evaluate(val, valStart, nVal, config.loss, 1, valLoss.slice(), valKl.slice());
      const parts = [rowLoss, rowKl, valLoss, valKl].map((t) => reduce(engine, t, 'sum', 'all'));
      parts.forEach((t, i) => { engine.copy(t, sums, 1, 0, i); t.dispose(); });
      const s = (await sums.read()) as Float32Array;
      const beta = vae ? config.beta : 0;
      const e: EpochEvent = { epoch, loss: (s[0] + beta * s[1]) / nTrain, seconds: 0 };
      if (val) e.valLoss = (s[2] + beta * s[3]) / nVal;
      e.seconds = (performance.now() - t0) / 1000;
      if (!Number.isFinite(e.loss)) {
        throw new InvalidInputError(`training diverged at epoch ${epoch} (loss ${e.loss}); lower the learning rate.`);
      }
      history.push(e);
      o.onEpoch?.(e);
      const monitored = e.valLoss ?? e.loss;
      if (monitored < bestValue) {
        bestValue = monitored;
        bestEpoch = epoch;
        wait = 0;
        for (const { src, copy } of best) engine.copy(src, copy);
      } else if (o.earlyStopping && ++wait >= o.earlyStopping.patience) {
        stoppedEarly = true;
        break;
      }
    }
    if (stoppedEarly) for (const { src, copy } of best) engine.copy(copy, src);
    else bestEpoch = history.length;
    return { history, stoppedEarly, bestEpoch };
  } finally {
    for (const t of [perm, rowLoss, rowKl, valLoss, valKl, sums, ...best.map((q) => q.copy)]) t.dispose();
    for (const [key, ws] of model.trainingWorkspaces()) { ws.dispose(); model.forgetWorkspace(key); }
  }
}

/**
 * Forward and backward pass over all rows of x as one batch, leaving the gradients in each
 * layer's gW and gb and returning the workspace (for a VAE's ε); no update. For gradient checks.
 */
export function computeGradients(model: AutoencoderModel, x: Tensor, step = 1) {
  const { engine, config, net } = model;
  const R = x.rows;
  const ws = model.workspace(R, true);
  const last = net.layers.length - 1;
  const rowLoss = engine.empty([R], 'f32', 'ae.row-loss');
  const rowKl = engine.empty([R], 'f32', 'ae.row-kl');
  engine.copy(x, ws.input);
  forward(engine, net, ws, 0, net.layers.length, { sample: true, seed: config.seed, step, kl: rowKl.slice(), klOffset: 0 });
  encodeReconstructionLoss(engine, {
    rows: R, d: model.inputWidth, kind: config.loss, act: activationCode(config.outputActivation), slope: config.slope,
    gradScale: 1 / R, lossScale: 1, rowOffset: 0, writeGrad: true,
  }, ws.post[last].slice(), ws.input.slice(), ws.dZ[last].slice(), rowLoss.slice());
  backward(engine, net, ws, config.beta / R);
  return { ws, rowLoss, rowKl };
}
