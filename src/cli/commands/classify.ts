import { InvalidArgumentError, Option, type Command } from 'commander';
import { InvalidInputError } from '../../engine/errors.js';
import { encodeLabels, loadDataset, type Dataset } from '../../io/dataset.js';
import { renderConfusion } from '../../io/confusion-plot.js';
import type { Split } from '../../io/fashion-mnist.js';
import { assertWritable, writeAtomic } from '../../io/write.js';
import { accuracy, confusionMatrix, holdoutSplit, knnClassify, type KnnPrediction, type VoteWeights } from '../../models/classify/index.js';
import { addCommonOptions, parseIntOption, RunContext, type CommonOptions, type CliEnv } from '../context.js';
import { checkOutputs, emitTable } from '../output.js';
import { round } from '../progress.js';
import { parseVia, viaStage, type ViaSpec } from '../stages.js';
import { loadModel } from './anomalies.js';

interface ClassifyCliOptions extends CommonOptions {
  k: number; query?: string; querySplit: Split; holdout?: number; weights: VoteWeights; via?: ViaSpec; model?: string;
  epochs: number; batchSize: number; confusion?: string;
}

/** The labelled rows of a data set, its unlabelled rows (an empty label cell) and the class names without the blank. */
export function splitLabelled(ds: Dataset): { labelled: Uint32Array; unlabelled: Uint32Array; labels: Int32Array; classNames: string[] } {
  if (!ds.labels) {
    throw new InvalidInputError(`classify needs labelled reference rows, and ${ds.name} has no labels; name them with --labels COLUMN|FILE.`);
  }
  const names = ds.classNames ?? [];
  const labelled: number[] = [];
  const unlabelled: number[] = [];
  for (let i = 0; i < ds.n; i++) ((names[ds.labels[i]] ?? '') === '' ? unlabelled : labelled).push(i);
  if (!unlabelled.length) return { labelled: Uint32Array.from(labelled), unlabelled: new Uint32Array(0), labels: ds.labels, classNames: names };
  // Re-encode without the blank, so that numeric labels sort as numbers again.
  const enc = encodeLabels(labelled.map((i) => names[ds.labels![i]] ?? String(ds.labels![i])));
  return { labelled: Uint32Array.from(labelled), unlabelled: Uint32Array.from(unlabelled), labels: enc.labels, classNames: enc.classNames };
}

function gatherRows(x: Float32Array, d: number, rows: ArrayLike<number>): Float32Array {
  const out = new Float32Array(rows.length * d);
  for (let i = 0; i < rows.length; i++) out.set(x.subarray(rows[i] * d, (rows[i] + 1) * d), i * d);
  return out;
}

function checkK(k: number, available: number, what: string): void {
  if (k > available) {
    throw new InvalidInputError(`--k ${k} neighbours asked for, but ${what} has only ${available} labelled reference row${available === 1 ? '' : 's'}.`);
  }
}

/** The confusion matrix as aligned text lines (rows: true class, columns: predicted). */
function confusionLines(m: Int32Array, names: string[]): string[] {
  const c = names.length;
  const short = names.map((s) => s.slice(0, 11));
  const w = Math.max(5, ...short.map((s) => s.length), ...Array.from(m, (v) => String(v).length));
  const cell = (s: string) => s.padStart(w);
  const lines = [`${'true \\ predicted'.padEnd(w + 2)} ${short.map(cell).join(' ')}`];
  for (let i = 0; i < c; i++) lines.push(`${short[i].padEnd(w + 2)} ${Array.from(m.subarray(i * c, (i + 1) * c), (v) => cell(String(v))).join(' ')}`);
  return lines;
}

export function registerClassify(program: Command, env: CliEnv): void {
  const cmd = program.command('classify')
    .description('k-NN classification: predict the labels of unlabelled rows from labelled ones, with per-class probabilities.')
    .argument('<reference>', 'labelled rows: a .npy, .csv, .tsv or IDX file, or fashion-mnist (rows with an empty label cell are the ones predicted)')
    .option('--query <input>', 'rows to classify, with the same columns (fashion-mnist: the --query-split split)')
    .addOption(new Option('--query-split <split>', 'split of fashion-mnist used as --query').choices(['train', 'test', 'all']).default('test'))
    .option('-k, --k <n>', 'neighbours that vote', parseIntOption(1, 128), 10)
    .addOption(new Option('--weights <kind>', 'uniform: one vote per neighbour; distance: votes weighted by 1/distance').choices(['uniform', 'distance']).default('uniform'))
    .option('--holdout <fraction>', 'hold out this share of the labelled rows (stratified, seeded) and report accuracy and a confusion matrix', (v) => {
      const f = Number(v);
      if (!(f > 0 && f < 1)) throw new InvalidArgumentError('expected a fraction between 0 and 1, e.g. 0.2.');
      return f;
    })
    .option('--confusion <png>', 'with --holdout: draw the confusion matrix as a PNG heat map')
    .option('--via <pca:N|ae:N>', 'vote in a reduced space, fitted on reference and query rows together (labels unused)', parseVia)
    .option('--model <file>', 'vote in the latent space of a model from `latentgpu ae|vae --save-model`')
    .option('--epochs <n>', 'autoencoder epochs for --via ae:N', parseIntOption(1), 10)
    .option('--batch-size <n>', 'autoencoder minibatch for --via ae:N', parseIntOption(1), 256);
  addCommonOptions(cmd, { plot: false })
    .addHelpText('after', '\nOutput: one line per predicted row: its row number, predicted class number, the probability of each class\n' +
      '(share of the k votes) and the predicted label. With only --holdout, the held-out rows with their true label.\n' +
      'A map written by `latentgpu tsne -o map.csv` (labels in its last column) can be classified too: --labels label.\n' +
      '\nExamples:\n  latentgpu classify fashion-mnist --limit 10000 --holdout 0.2 --via pca:50\n' +
      '  latentgpu classify fashion-mnist --limit 10000 --query fashion-mnist -o predicted.csv   # --limit applies to both\n' +
      '  latentgpu classify items.csv --labels category --k 15 -o predicted.csv   # rows with an empty category are predicted')
    .action(async (input: string, opts: ClassifyCliOptions) => {
      const ctx = new RunContext('classify', opts, env);
      try {
        checkOutputs(ctx);
        if (opts.confusion !== undefined) {
          if (opts.holdout === undefined) throw new InvalidInputError('--confusion draws the --holdout confusion matrix; add --holdout 0.2.');
          if (!/\.png$/i.test(opts.confusion)) throw new InvalidInputError(`--confusion ${opts.confusion}: the picture is a PNG, give a .png name.`);
          assertWritable(opts.confusion, opts.force);
        }
        if (opts.via && opts.model) throw new InvalidInputError('give either --via or --model, not both.');
        const ds = await ctx.load(input);
        const ref = splitLabelled(ds);
        let queries: Dataset | undefined;
        if (opts.query !== undefined) {
          if (ref.unlabelled.length) {
            const shown = Array.from(ref.unlabelled.subarray(0, 5)).join(', ');
            throw new InvalidInputError(`${ds.name} has ${ref.unlabelled.length} reference row${ref.unlabelled.length > 1 ? 's' : ''} without a label ` +
              `(row${ref.unlabelled.length > 1 ? 's' : ''} ${shown}${ref.unlabelled.length > 5 ? ', …' : ''}, 0-based); label them, or leave out --query to have them predicted.`);
          }
          queries = loadDataset(opts.query, { split: opts.querySplit, limit: opts.limit, labels: undefined, dropInvalid: opts.dropInvalid });
          if (queries.d !== ds.d) throw new InvalidInputError(`${queries.name} has ${queries.d} columns but ${ds.name} has ${ds.d}; query rows need the same columns as the reference.`);
        } else if (!ref.unlabelled.length && opts.holdout === undefined) {
          throw new InvalidInputError(`nothing to predict: every row of ${ds.name} is labelled; give --query rows, leave some labels empty, or pass --holdout 0.2 to score the classifier.`);
        }
        const nLabelled = ref.labelled.length;
        if (nLabelled === 0) throw new InvalidInputError(`${ds.name} has no labelled rows to learn from.`);
        const trainRows = opts.holdout !== undefined ? nLabelled - holdoutSplit(ref.labels, opts.holdout, opts.seed).test.length : nLabelled;
        checkK(opts.k, opts.holdout !== undefined ? trainRows : nLabelled, opts.holdout !== undefined ? `${ds.name} after --holdout` : ds.name);

        // Every row in one matrix (reference, then queries), so that a reduction sees them all.
        const queryCount = queries ? queries.n : ref.unlabelled.length;
        const all = new Float32Array((ds.n + (queries?.n ?? 0)) * ds.d);
        all.set(ds.x);
        if (queries) all.set(queries.x, ds.x.length);
        const engine = await ctx.engine();
        const x = await ctx.upload(all, ds.n + (queries?.n ?? 0), ds.d, ds.name);
        let space = x;
        if (opts.model) {
          const model = ctx.track(await ctx.reporter.stage('model', () => loadModel(engine, opts.model!)));
          if (model.inputWidth !== ds.d) throw new InvalidInputError(`the model expects rows of ${model.inputWidth} values but ${ds.name} has ${ds.d} columns.`);
          space = ctx.track(model.encode(x));
        } else {
          space = await viaStage(ctx, x, all, opts.via, opts.seed, { epochs: opts.epochs, batchSize: opts.batchSize });
        }
        ctx.checkAbort();
        const z = space === x ? all : await space.read() as Float32Array;
        const dz = space.cols;
        const queryRows = queries ? Uint32Array.from({ length: queries.n }, (_, i) => ds.n + i) : ref.unlabelled;
        const predict = async (fit: Uint32Array, fitLabels: Int32Array, rows: Uint32Array, stage: string): Promise<KnnPrediction> => {
          const r = ctx.track(engine.tensor(gatherRows(z, dz, fit), [fit.length, dz], { label: 'classify.reference' }));
          const q = ctx.track(engine.tensor(gatherRows(z, dz, rows), [rows.length, dz], { label: 'classify.queries' }));
          return ctx.reporter.stage(stage, (p) => knnClassify(engine, r, fitLabels, q, {
            k: opts.k, classes: ref.classNames.length, weights: opts.weights, onProgress: (d, t) => { p.update(d, t); ctx.checkAbort(); },
          }));
        };

        const names = ref.classNames;
        let table: { rows: Uint32Array; pred: KnnPrediction; truth?: Int32Array } | undefined;
        if (opts.holdout !== undefined) {
          const split = holdoutSplit(ref.labels, opts.holdout, opts.seed);
          const pick = (idx: Uint32Array) => ({ rows: Uint32Array.from(idx, (i) => ref.labelled[i]), labels: Int32Array.from(idx, (i) => ref.labels[i]) });
          const train = pick(split.train);
          const test = pick(split.test);
          const pred = await predict(train.rows, train.labels, test.rows, 'holdout');
          const m = confusionMatrix(test.labels, pred.predicted, names.length);
          const acc = accuracy(test.labels, pred.predicted);
          ctx.summary.holdout = {
            fraction: opts.holdout, train_rows: train.rows.length, test_rows: test.rows.length, accuracy: round(acc, 4),
            classes: names, confusion_matrix: names.map((_, i) => Array.from(m.subarray(i * names.length, (i + 1) * names.length))),
          };
          if (!opts.json) for (const line of confusionLines(m, names)) ctx.reporter.note(line);
          if (opts.confusion) {
            const png = renderConfusion(m, names, `${opts.k}-NN on ${ds.name}: accuracy ${round(acc, 3)} on ${test.rows.length} held-out rows`);
            writeAtomic(opts.confusion, (append) => append(png), opts.force);
            ctx.summary.outputs = [...((ctx.summary.outputs as string[]) ?? []), opts.confusion];
          }
          if (!queryCount) table = { rows: test.rows, pred, truth: test.labels };
        }
        if (queryCount) {
          const pred = await predict(ref.labelled, ref.labels, queryRows, 'classify');
          table = { rows: queries ? Uint32Array.from({ length: queries.n }, (_, i) => i) : queryRows, pred };
        }
        const t = table!;
        const C = names.length;
        await ctx.reporter.stage('write', () => {
          const data = new Float32Array(t.rows.length * (C + 2));
          for (let i = 0; i < t.rows.length; i++) {
            const row = !queries && ds.keptRows ? ds.keptRows[t.rows[i]] : t.rows[i];
            data[i * (C + 2)] = row;
            data[i * (C + 2) + 1] = t.pred.predicted[i];
            data.set(t.pred.probabilities.subarray(i * C, (i + 1) * C), i * (C + 2) + 2);
          }
          const extra: Record<string, string[]> = { predicted: Array.from(t.pred.predicted, (c) => names[c]) };
          if (t.truth) extra.label = Array.from(t.truth, (c) => names[c]);
          emitTable(ctx, { data, rows: t.rows.length, cols: C + 2, columns: ['row', 'class', ...names.map((n) => `p_${n}`)], extra });
        });
        const counts = new Array<number>(C).fill(0);
        for (const c of t.pred.predicted) counts[c]++;
        // How sure the votes are: the share of rows whose top class has at least 80% of them.
        let sure = 0;
        for (let i = 0; i < t.rows.length; i++) if (t.pred.probabilities[i * C + t.pred.predicted[i]] >= 0.8) sure++;
        const sureShare = round(sure / t.rows.length, 4);
        ctx.summary.result = {
          predicted_rows: t.rows.length, reference_rows: nLabelled, k: opts.k, weights: opts.weights, classes: names,
          space: opts.model ? `model:${opts.model}` : opts.via ? `${opts.via.method}:${opts.via.dims}` : 'raw',
          predicted_counts: Object.fromEntries(names.map((n, i) => [n, counts[i]])), share_probability_at_least_0_8: sureShare,
        };
        const h = ctx.summary.holdout as { accuracy: number; test_rows: number } | undefined;
        ctx.finish(`classify: ${t.rows.length} rows predicted by ${opts.k}-NN vote among ${nLabelled} labelled rows, ` +
          `${round(100 * sureShare, 1)}% of them with probability ≥ 0.8` +
          (h ? `; holdout accuracy ${h.accuracy} on ${h.test_rows} rows` : ''));
      } finally {
        ctx.dispose();
      }
    });
}
