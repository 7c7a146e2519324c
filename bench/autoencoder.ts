// `npm run bench -- autoencoder [--rows 60000] [--test-rows 10000] [--epochs 10] [--latent 64]
//  [--latent2 true] [--vae true] [--skip-peer true] [--name autoencoder]`: Fashion-MNIST, 784-256-latent encoder with a mirrored
// decoder, ReLU, sigmoid output, BCE on logits, Adam 1e-3, batch 256. latentgpu against TensorFlow.js
// on WebAssembly with the same architecture, the same initial weights and the same optimiser,
// for the same epochs: seconds per epoch (and their ratio) and test MSE per pixel.
// Writes bench/results/autoencoder.json. CI-sized: --rows 5000 --test-rows 1000 --epochs 1.
import { createEngine, type Engine } from '../src/index.js';
import { loadFashionMnist } from '../src/io/fashion-mnist.js';
import { Autoencoder, VariationalAutoencoder } from '../src/models/autoencoder/index.js';
import { machine, parseArgs, table, tfjsWasm, writeResult } from './lib/common.js';

const args = parseArgs();
const rows = Number(args.rows ?? 60_000);
const testRows = Number(args['test-rows'] ?? 10_000);
const epochs = Number(args.epochs ?? 10);
const latents = [Number(args.latent ?? 64), ...(args.latent2 === 'true' ? [2] : [])];
const skipPeer = args['skip-peer'] === 'true';
const withVae = args.vae === 'true';
/** Result file name under bench/results (default autoencoder). */
const resultName = args.name ?? 'autoencoder';
const BATCH = 256;
const LR = 1e-3;

type Tf = Awaited<ReturnType<typeof tfjsWasm>>;

function mse(a: Float32Array, b: Float32Array): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += (a[i] - b[i]) ** 2;
  return s / a.length;
}

async function ours(engine: Engine, train: Float32Array, test: Float32Array, latent: number, variational: boolean) {
  const config = { layers: [784, 256, latent], activation: 'relu' as const, loss: 'bce' as const, seed: 1, optimizer: { kind: 'adam' as const, lr: LR } };
  const ae = variational ? await VariationalAutoencoder.create(engine, config) : await Autoencoder.create(engine, config);
  const init = await ae.readWeights();
  const seconds: number[] = [];
  const losses: number[] = [];
  const curve: number[] = [];
  // Uploaded once; one fit per epoch so that the test MSE can be read between epochs (Adam's state
  // and the shuffle sequence carry over), outside the timed epoch.
  const xs = engine.tensor(train, [train.length / 784, 784], { label: 'fashion-mnist.train' });
  const xt = engine.tensor(test, [test.length / 784, 784], { label: 'fashion-mnist.test' });
  for (let epoch = 1; epoch <= epochs; epoch++) {
    const res = await ae.fit(xs, { epochs: 1, batchSize: BATCH });
    const e = res.history[0];
    seconds.push(e.seconds);
    losses.push(e.loss);
    const err = ae.reconstructionError(xt);
    const perRow = (await err.read()) as Float32Array;
    err.dispose();
    curve.push(perRow.reduce((p, q) => p + q, 0) / perRow.length);
    console.log(`  latentgpu epoch ${epoch}: loss ${e.loss.toFixed(3)} ${e.seconds.toFixed(2)} s, test MSE ${curve[curve.length - 1].toFixed(5)}`);
  }
  xs.dispose(); xt.dispose(); ae.dispose();
  return { init, seconds, losses, testMse: curve[curve.length - 1], curve };
}

/** The same network in TensorFlow.js, started from latentgpu's initial weights. */
async function peer(tf: Tf, init: Map<string, { data: Float32Array; shape: number[] }>, train: Float32Array, test: Float32Array, latent: number) {
  const widths = [784, 256, latent, 256, 784];
  const names = ['encoder.0', 'encoder.1', 'decoder.0', 'decoder.1'];
  const acts = ['relu', 'linear', 'relu', 'linear'] as const;
  const model = tf.sequential();
  names.forEach((_, i) => model.add(tf.layers.dense({ units: widths[i + 1], activation: acts[i], inputShape: i === 0 ? [784] : undefined })));
  model.setWeights(names.flatMap((n) => [tf.tensor(init.get(`${n}.weight`)!.data, init.get(`${n}.weight`)!.shape as [number, number]), tf.tensor(init.get(`${n}.bias`)!.data)]));
  // Same loss as latentgpu: BCE on logits in its stable form, summed per row, averaged over the batch.
  const loss = (y: import('@tensorflow/tfjs').Tensor, z: import('@tensorflow/tfjs').Tensor) => tf.tidy(() =>
    tf.mean(tf.sum(tf.relu(z).sub(z.mul(y)).add(tf.log1p(tf.exp(tf.neg(tf.abs(z))))), -1)));
  model.compile({ optimizer: tf.train.adam(LR, 0.9, 0.999, 1e-7), loss });
  const xs = tf.tensor2d(train, [train.length / 784, 784]);
  const xt = tf.tensor2d(test, [test.length / 784, 784]);
  const testMse = async () => {
    const recon = tf.tidy(() => tf.sigmoid(model.predict(xt, { batchSize: 1024 }) as import('@tensorflow/tfjs').Tensor));
    const v = mse((await recon.data()) as Float32Array, test);
    recon.dispose();
    return v;
  };
  const seconds: number[] = [];
  const losses: number[] = [];
  const curve: number[] = [];
  let t0 = 0;
  await model.fit(xs, xs, {
    epochs, batchSize: BATCH, shuffle: true, verbose: 0,
    callbacks: {
      onEpochBegin: async () => { t0 = performance.now(); },
      onEpochEnd: async (e, logs) => {
        seconds.push((performance.now() - t0) / 1000);
        losses.push(logs?.loss ?? NaN);
        curve.push(await testMse());
        console.log(`  tfjs-wasm epoch ${e + 1}: loss ${logs?.loss?.toFixed(3)} ${seconds[seconds.length - 1].toFixed(2)} s, test MSE ${curve[curve.length - 1].toFixed(5)}`);
      },
    },
  });
  tf.dispose([xs, xt]);
  model.dispose();
  return { seconds, losses, testMse: curve[curve.length - 1], curve };
}

const median = (v: number[]) => [...v].sort((a, b) => a - b)[Math.floor(v.length / 2)];

const engine = await createEngine({ onWarning: () => {} });
const trainSet = loadFashionMnist('train', rows);
const testSet = loadFashionMnist('test', testRows);
console.log(`Fashion-MNIST ${trainSet.n} train / ${testSet.n} test, ${epochs} epoch(s), batch ${BATCH}, ${engine.description}`);
const tf = skipPeer ? null : await tfjsWasm();
const results = [];
for (const variational of withVae ? [false, true] : [false]) {
  for (const latent of latents) {
    const model = `${variational ? 'VAE' : 'AE'} 784-256-${latent}`;
    console.log(model);
    const mine = await ours(engine, trainSet.x, testSet.x, latent, variational);
    const theirs = tf && !variational ? await peer(tf, mine.init, trainSet.x, testSet.x, latent) : null;
    // The first epoch includes pipeline compilation; the median is the steady state.
    const s = median(mine.seconds);
    results.push({
      model, epochs, train_rows: trainSet.n, test_rows: testSet.n,
      seconds_per_epoch: s, test_mse: mine.testMse, final_loss: mine.losses[mine.losses.length - 1],
      peer: theirs ? 'tfjs-wasm' : 'none',
      peer_seconds_per_epoch: theirs ? median(theirs.seconds) : null,
      ratio: theirs ? s / median(theirs.seconds) : null,
      peer_test_mse: theirs?.testMse ?? null,
      peer_final_loss: theirs ? theirs.losses[theirs.losses.length - 1] : null,
      epoch_seconds: mine.seconds, peer_epoch_seconds: theirs?.seconds ?? null,
      test_mse_by_epoch: mine.curve, peer_test_mse_by_epoch: theirs?.curve ?? null,
    });
  }
}
console.log(table(results.map((r) => ({
  model: r.model, 's/epoch': r.seconds_per_epoch, 'tfjs s/epoch': r.peer_seconds_per_epoch ?? '-',
  'ratio (time, lower is better)': r.ratio ?? '-', 'test MSE': r.test_mse, 'tfjs test MSE': r.peer_test_mse ?? '-',
}))));
console.log('written', writeResult(resultName, {
  benchmark: 'autoencoder', adapter: engine.kind, description: engine.description, machine: machine(), rows: results,
}));
engine.dispose();
