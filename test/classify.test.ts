import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import pngjs from 'pngjs';
import { encodeNpy } from '../src/io/npy.js';
import { accuracy, confusionMatrix, holdoutSplit, knnClassify, voteProbabilities } from '../src/models/classify/index.js';
import { blobs, runCli, tempDir, writeFormats } from './cli-helpers.js';
import { expectClose, gaussian, getEngine, rng } from './helpers.js';
import { refKnnClassify } from './reference/classify.js';

void getEngine();
const dir = tempDir();
const at = (name: string) => join(dir, name);

/** Overlapping classes (centres close together), so votes are often split. */
function overlapping(n: number, d: number, classes: number, seed: number) {
  const r = rng(seed);
  const centres = Array.from({ length: classes * d }, () => gaussian(r));
  const x = new Float32Array(n * d);
  const labels = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    labels[i] = Math.floor(r() * classes);
    for (let j = 0; j < d; j++) x[i * d + j] = centres[labels[i] * d + j] + 1.5 * gaussian(r);
  }
  return { x, labels };
}

/** CSV lines after the header, split into cells. */
function csvRows(text: string): { header: string[]; rows: string[][] } {
  const lines = text.trim().split('\n');
  return { header: lines[0].split(','), rows: lines.slice(1).map((l) => l.split(',')) };
}

describe('k-NN vote', () => {
  it('matches a float64 reference for uniform and distance weights, on awkward sizes', async () => {
    const engine = await getEngine();
    const [n, m, d, classes] = [211, 37, 13, 5];
    const ref = overlapping(n, d, classes, 3);
    const qs = overlapping(m, d, classes, 4);
    const r = engine.tensor(ref.x, [n, d]);
    const q = engine.tensor(qs.x, [m, d]);
    for (const weights of ['uniform', 'distance'] as const) {
      for (const k of [1, 7, 16]) {
        const got = await knnClassify(engine, r, ref.labels, q, { k, weights, classes });
        const want = refKnnClassify(ref.x, n, ref.labels, qs.x, m, d, k, classes, weights);
        expectClose(got.probabilities, want.probabilities, 1e-5, 1e-4, `${weights} k=${k} probabilities`);
        expect(Array.from(got.predicted), `${weights} k=${k}`).toEqual(Array.from(want.predicted));
        for (let i = 0; i < m; i++) {
          const s = got.probabilities.subarray(i * classes, (i + 1) * classes).reduce((a, b) => a + b, 0);
          expect(Math.abs(s - 1)).toBeLessThan(1e-6);
        }
      }
    }
    r.dispose();
    q.dispose();
  });

  it('breaks ties toward the lower class and lets exact matches outvote distant rows', () => {
    // Two neighbours of classes 2 and 1: a tie, so class 1.
    const p = voteProbabilities([0, 1], [1, 1], 2, [2, 1], 3, 'uniform');
    expect(Array.from(p)).toEqual([0, 0.5, 0.5]);
    const { predicted } = { predicted: Array.from(p).indexOf(Math.max(...p)) } as { predicted: number };
    expect(predicted).toBe(1);
    // Distance weights: a neighbour at distance 0 takes the whole vote.
    expect(Array.from(voteProbabilities([0, 1, 2], [0, 0.1, 0.1], 3, [0, 1, 1], 2, 'distance'))).toEqual([1, 0]);
  });
});

describe('holdout and confusion matrix', () => {
  it('holds out a seeded, stratified share of each class', () => {
    const labels = Int32Array.from({ length: 103 }, (_, i) => (i % 7 === 0 ? 2 : i % 2));
    const a = holdoutSplit(labels, 0.2, 5);
    const b = holdoutSplit(labels, 0.2, 5);
    const c = holdoutSplit(labels, 0.2, 6);
    expect(Array.from(a.test)).toEqual(Array.from(b.test));
    expect(Array.from(a.test)).not.toEqual(Array.from(c.test));
    const all = [...a.train, ...a.test].sort((x, y) => x - y);
    expect(all).toEqual(Array.from({ length: 103 }, (_, i) => i));
    for (const cls of [0, 1, 2]) {
      const total = labels.filter((l) => l === cls).length;
      const held = Array.from(a.test).filter((i) => labels[i] === cls).length;
      expect(held).toBe(Math.round(total * 0.2));
    }
  });

  it('counts true class by predicted class', () => {
    const m = confusionMatrix([0, 0, 1, 2, 2, 2], [0, 1, 1, 2, 0, 2], 3);
    expect(Array.from(m)).toEqual([1, 1, 0, 0, 1, 0, 1, 0, 2]);
    expect(accuracy([0, 0, 1, 2, 2, 2], [0, 1, 1, 2, 0, 2])).toBeCloseTo(4 / 6, 12);
  });
});

describe('latentgpu classify', () => {
  const data = blobs(4, 30, 10, 11);
  const files = writeFormats(dir, 'blobs', data.x, data.n, 10, data.labels);

  it('--holdout on separated blobs predicts every held-out label, probabilities summing to 1', async () => {
    const r = await runCli(['classify', files.csv, '--labels', 'class', '--holdout', '0.2', '--k', '5', '-o', at('held.csv')]);
    expect(r.code, r.stderr).toBe(0);
    const { header, rows } = csvRows(readFileSync(at('held.csv'), 'utf8'));
    expect(header).toEqual(['row', 'class', 'p_c0', 'p_c1', 'p_c2', 'p_c3', 'predicted', 'label']);
    expect(rows.length).toBe(24);
    for (const row of rows) {
      expect(row[6]).toBe(row[7]);
      expect(row[7]).toBe(`c${data.labels[Number(row[0])]}`);
      const p = row.slice(2, 6).map(Number);
      expect(Math.abs(p.reduce((a, b) => a + b, 0) - 1)).toBeLessThan(1e-6);
    }
    expect(r.stderr).toMatch(/24 rows predicted by 5-NN vote among 120 labelled rows, 100% of them with probability ≥ 0.8; holdout accuracy 1 on 24 rows/);
  });

  it('--confusion draws the matrix: full-share blue on the diagonal only', async () => {
    const r = await runCli(['classify', files.csv, '--labels', 'class', '--holdout', '0.2', '--k', '5', '--confusion', at('cm.png'), '--json']);
    expect(r.code, r.stderr).toBe(0);
    const png = pngjs.PNG.sync.read(readFileSync(at('cm.png')));
    // Every held-out row is right, so exactly 4 cells (the diagonal) are filled with the full colour.
    let full = 0;
    for (let o = 0; o < png.data.length; o += 4) if (png.data[o] === 31 && png.data[o + 1] === 119 && png.data[o + 2] === 180) full++;
    const cell = 51 * 51;
    expect(full).toBeGreaterThan(4 * cell * 0.8);
    expect(full).toBeLessThanOrEqual(4 * cell);
  });

  it('--json reports the accuracy and the confusion matrix, also through --via pca', async () => {
    const r = await runCli(['classify', files.npy, '--labels', files.labelsFile, '--holdout', '0.25', '--via', 'pca:3', '--json']);
    expect(r.code, r.stderr).toBe(0);
    const s = JSON.parse(r.stdout.trim().split('\n').filter((l) => l.startsWith('{')).pop()!);
    expect(s.holdout.accuracy).toBe(1);
    expect(s.holdout.test_rows).toBe(32); // round(30 × 0.25) = 8 per class
    const m: number[][] = s.holdout.confusion_matrix;
    m.forEach((row, i) => row.forEach((v, j) => expect(v).toBe(i === j ? 8 : 0)));
    expect(s.result.space).toBe('pca:3');
  });

  it('predicts query rows from a file, and rows whose label cell is empty', async () => {
    const more = blobs(4, 5, 10, 11); // same centres (same seed), new draws
    const q = at('queries.npy');
    writeFileSync(q, encodeNpy(more.x.map((v, i) => v + 0.01 * Math.sin(i)), [more.n, 10]));
    const r = await runCli(['classify', files.npy, '--labels', files.labelsFile, '--query', q, '--k', '3']);
    expect(r.code, r.stderr).toBe(0);
    const { rows } = csvRows(r.stdout);
    expect(rows.map((row) => row[row.length - 1])).toEqual(Array.from(more.labels, (l) => `c${l}`));

    // Blank out six labels in the CSV: those rows are the ones predicted.
    const lines = readFileSync(files.csv, 'utf8').trim().split('\n');
    const blank = [3, 20, 41, 62, 87, 119];
    for (const i of blank) lines[i + 1] = lines[i + 1].replace(/,c\d$/, ',');
    writeFileSync(at('partial.csv'), lines.join('\n') + '\n');
    const p = await runCli(['classify', at('partial.csv'), '--labels', 'class']);
    expect(p.code, p.stderr).toBe(0);
    const got = csvRows(p.stdout).rows;
    expect(got.map((row) => Number(row[0]))).toEqual(blank);
    expect(got.map((row) => row[row.length - 1])).toEqual(blank.map((i) => `c${data.labels[i]}`));
  });

  it('refuses bad input with one sentence', async () => {
    const narrow = at('narrow.npy');
    writeFileSync(narrow, encodeNpy(new Float32Array(5 * 4), [5, 4]));
    const lines = readFileSync(files.csv, 'utf8').trim().split('\n');
    lines[8] = lines[8].replace(/,c\d$/, ',');
    writeFileSync(at('gap.csv'), lines.join('\n') + '\n');
    const cases: [string[], RegExp][] = [
      [['classify', files.npy, '--labels', files.labelsFile, '--query', narrow], /narrow\.npy has 4 columns but blobs\.npy has 10; query rows need the same columns/],
      [['classify', at('gap.csv'), '--labels', 'class', '--query', files.npy], /has 1 reference row without a label \(row 7, 0-based\)/],
      [['classify', files.npy, '--query', narrow], /needs labelled reference rows, and blobs\.npy has no labels/],
      [['classify', files.npy, '--labels', files.labelsFile, '--query', files.npy, '--k', '121'], /--k 121 neighbours asked for, but blobs\.npy has only 120 labelled reference rows/],
      [['classify', files.npy, '--labels', files.labelsFile, '--holdout', '0.5', '--k', '61'], /only 60 labelled reference rows/],
      [['classify', files.npy, '--labels', files.labelsFile], /nothing to predict/],
      [['classify', files.npy, '--labels', files.labelsFile, '--confusion', at('c.png')], /--confusion draws the --holdout confusion matrix/],
    ];
    for (const [args, message] of cases) {
      const r = await runCli(args);
      expect(r.code, args.join(' ')).toBe(1);
      expect(r.stderr).toMatch(message);
      expect(r.stderr.trim().split('\n').filter((l) => l.startsWith('latentgpu:')).length).toBe(1);
    }
  });
});
