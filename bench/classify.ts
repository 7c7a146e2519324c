// `npm run bench -- classify [--n 10000] [--epochs 10] [--k 10] [--adapter llvmpipe]`: k-NN
// classification of Fashion-MNIST (first N train rows as reference, first N test rows as queries)
// in four spaces — raw pixels, PCA-50, an autoencoder's 64-d codes and a 2-D t-SNE map — against
// scikit-learn's KNeighborsClassifier (brute force, uniform weights) on the same features; then VAE
// samples judged by the raw-pixel k-NN classifier: the share it assigns a class with probability
// ≥ 0.8, beside the same share for real test rows. Writes bench/results/classify.json.
import os from 'node:os';
import { Autoencoder, PCA, TSNE, VariationalAutoencoder, createEngine, parseAdapterChoice, type Tensor } from '../src/index.js';
import { loadFashionMnist } from '../src/io/fashion-mnist.js';
import { accuracy, knnClassify } from '../src/models/classify/index.js';
import { machine, parseArgs, table, writeResult } from './lib/common.js';
import { runPython } from './lib/sklearn_peer.js';

/** KNeighborsClassifier on rows [0, nTrain) of x (labels in the last column), predicting the rest; writes [pred, max p] float32 pairs. */
const SKLEARN_KNN_CLASSIFIER = `
import sys, json, time, numpy as np
from sklearn.neighbors import KNeighborsClassifier
xp, n, d, out, ntrain, k = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), sys.argv[4], int(sys.argv[5]), int(sys.argv[6])
a = np.fromfile(xp, dtype=np.float32).reshape(n, d)
x, y = a[:, :-1], a[:, -1].astype(np.int64)
t0 = time.perf_counter()
clf = KNeighborsClassifier(n_neighbors=k, algorithm="brute", weights="uniform", n_jobs=2).fit(x[:ntrain], y[:ntrain])
p = clf.predict_proba(x[ntrain:])
t = time.perf_counter() - t0
pred = clf.classes_[p.argmax(1)]
np.stack([pred.astype(np.float32), p.max(1).astype(np.float32)], 1).tofile(out)
print(json.dumps({"seconds": t}))
`;

const args = parseArgs();
const n = Number(args.n ?? 10_000);
const epochs = Number(args.epochs ?? 10);
const k = Number(args.k ?? 10);
const CONFIDENT = 0.8;

const engine = await createEngine({ adapter: args.adapter ? parseAdapterChoice(args.adapter) : undefined, onWarning: () => {} });
const train = loadFashionMnist('train', n);
const test = loadFashionMnist('test', n);
const trainLabels = Int32Array.from(train.labels);
const testLabels = Int32Array.from(test.labels);

async function timed<T>(fn: () => Promise<T>): Promise<{ value: T; seconds: number }> {
  await engine.sync();
  const t0 = performance.now();
  const value = await fn();
  await engine.sync();
  return { value, seconds: (performance.now() - t0) / 1000 };
}

function shareConfident(p: Float32Array, classes: number): number {
  let c = 0;
  for (let i = 0; i < p.length / classes; i++) {
    let m = 0;
    for (let j = 0; j < classes; j++) m = Math.max(m, p[i * classes + j]);
    if (m >= CONFIDENT) c++;
  }
  return c / (p.length / classes);
}

// Warm-up: compile the kNN pipelines on a small input.
{
  const w = engine.tensor(new Float32Array(300 * 8).map((_, i) => Math.sin(i)), [300, 8]);
  await knnClassify(engine, w, Int32Array.from({ length: 300 }, (_, i) => i % 3), w, { k: 5 });
  w.dispose();
}

const rows: Array<Record<string, unknown>> = [];
let realConfident = 0;

/** Ours and the peer on the same features: reference rows `a`, query rows `b`. */
async function compare(space: string, a: Float32Array, b: Float32Array, d: number, prepSeconds: number): Promise<void> {
  const at = engine.tensor(a, [n, d]);
  const bt = engine.tensor(b, [n, d]);
  const ours = await timed(() => knnClassify(engine, at, trainLabels, bt, { k, classes: 10 }));
  at.dispose();
  bt.dispose();
  const both = new Float32Array(2 * n * (d + 1));
  for (let i = 0; i < 2 * n; i++) {
    const src = i < n ? a.subarray(i * d, (i + 1) * d) : b.subarray((i - n) * d, (i - n + 1) * d);
    both.set(src, i * (d + 1));
    both[i * (d + 1) + d] = i < n ? trainLabels[i] : -1;
  }
  const peer = runPython(SKLEARN_KNN_CLASSIFIER, both, 2 * n, d + 1, [n, k]);
  const pp = new Float32Array(peer.output);
  const peerPred = Int32Array.from({ length: n }, (_, i) => pp[2 * i]);
  const confident = shareConfident(ours.value.probabilities, 10);
  if (space === 'raw 784') realConfident = confident;
  rows.push({
    space, dims: d, accuracy: accuracy(testLabels, ours.value.predicted), peer_accuracy: accuracy(testLabels, peerPred),
    agreement: accuracy(peerPred, ours.value.predicted), seconds: ours.seconds, peer_seconds: peer.seconds, ratio: ours.seconds / peer.seconds,
    space_seconds: prepSeconds, confident_share: confident,
  });
  console.error(rows[rows.length - 1]);
}

await compare('raw 784', train.x, test.x, 784, 0);

// PCA-50 fitted on the reference rows.
{
  const xt = engine.tensor(train.x, [n, 784]);
  const qt = engine.tensor(test.x, [n, 784]);
  const { value: [a, b], seconds } = await timed(async () => {
    const pca = await PCA.fit(engine, xt, { components: 50, seed: 1 });
    const za = pca.transform(xt);
    const zb = pca.transform(qt);
    pca.dispose();
    const out = [await za.read() as Float32Array, await zb.read() as Float32Array];
    za.dispose();
    zb.dispose();
    return out;
  });
  await compare('PCA 50', a, b, 50, seconds);
  xt.dispose();
  qt.dispose();
}

// Autoencoder 784-256-64, trained on the reference rows only.
const trainT = engine.tensor(train.x, [n, 784]);
const testT = engine.tensor(test.x, [n, 784]);
{
  const { value: [a, b], seconds } = await timed(async () => {
    const ae = await Autoencoder.create(engine, { layers: [784, 256, 64], loss: 'bce', seed: 1 });
    await ae.fit(trainT, { epochs, batchSize: 256 });
    const za = ae.encode(trainT);
    const zb = ae.encode(testT);
    const out = [await za.read() as Float32Array, await zb.read() as Float32Array];
    for (const t of [za, zb]) t.dispose();
    ae.dispose();
    return out;
  });
  await compare('AE 64', a, b, 64, seconds);
}

// t-SNE map of reference and query rows together (after PCA-50; labels unused), then the vote in 2-D.
{
  const all = new Float32Array(2 * n * 784);
  all.set(train.x);
  all.set(test.x, n * 784);
  const xt = engine.tensor(all, [2 * n, 784]);
  const { value: y, seconds } = await timed(async () => {
    const pca = await PCA.fit(engine, xt, { components: 50, seed: 1 });
    const z = pca.transform(xt);
    pca.dispose();
    const tsne = new TSNE(engine, { dims: 2, perplexity: 30, iterations: 1000, seed: 1 });
    const emb: Tensor = await tsne.fit(z);
    const host = await emb.read() as Float32Array;
    for (const t of [z, emb]) t.dispose();
    tsne.dispose();
    return host;
  });
  xt.dispose();
  await compare('t-SNE map 2', y.subarray(0, 2 * n), y.subarray(2 * n), 2, seconds);
}

// VAE 784-256-16 on the reference rows; n samples judged by the raw-pixel classifier.
const vaeRow: Record<string, unknown> = {};
{
  const vae = await VariationalAutoencoder.create(engine, { layers: [784, 256, 16], loss: 'bce', seed: 1 });
  const fit = await timed(() => vae.fit(trainT, { epochs, batchSize: 256 }));
  const samples = vae.sample(n, 7);
  const judged = await knnClassify(engine, trainT, trainLabels, samples, { k, classes: 10 });
  const counts = new Array(10).fill(0);
  for (const c of judged.predicted) counts[c]++;
  Object.assign(vaeRow, {
    model: 'VAE 784-256-16', epochs, train_seconds: fit.seconds, samples: n,
    samples_confident_share: shareConfident(judged.probabilities, 10), real_test_confident_share: realConfident,
    predicted_class_counts: counts,
  });
  console.error(vaeRow);
  samples.dispose();
  vae.dispose();
}
trainT.dispose();
testT.dispose();


writeResult('classify', {
  benchmark: 'classify', adapter: engine.kind, description: engine.description, machine: machine(), load_average: os.loadavg(),
  data: `Fashion-MNIST: first ${n} train rows as reference, first ${n} test rows as queries; k = ${k}, uniform votes`,
  notes: 'seconds: ours from features on the GPU to predictions and probabilities read back (exact search); peer: ' +
    'KNeighborsClassifier(algorithm="brute", n_jobs=2) fit + predict_proba in Python. ratio < 1: ours faster. ' +
    'agreement: share of test rows where both predict the same class. space_seconds: building the space (PCA fit, ' +
    `AE training for ${epochs} epochs, PCA + t-SNE of reference and queries together). confident_share: rows whose top class has probability ≥ ${CONFIDENT}.`,
  rows, vae: vaeRow,
});
console.log(table(rows));
console.log(vaeRow);
engine.dispose();
