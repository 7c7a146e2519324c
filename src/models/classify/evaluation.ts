import { InvalidInputError } from '../../engine/errors.js';
import { seededRandom } from '../../ops/random.js';

/** Rows kept for fitting (`train`) and rows held out to score predictions (`test`), each in ascending order. */
export interface HoldoutSplit { train: Uint32Array; test: Uint32Array }

/**
 * A seeded, stratified holdout: about `fraction` of each class's rows are held out (at least one
 * from every class with two or more rows, and never a class's last row), so the held-out share of
 * each class matches the whole.
 */
export function holdoutSplit(labels: ArrayLike<number>, fraction: number, seed: number): HoldoutSplit {
  if (!(fraction > 0 && fraction < 1)) throw new InvalidInputError(`--holdout must be a fraction between 0 and 1 (exclusive), got ${fraction}.`);
  const byClass = new Map<number, number[]>();
  for (let i = 0; i < labels.length; i++) {
    const list = byClass.get(labels[i]);
    if (list) list.push(i); else byClass.set(labels[i], [i]);
  }
  const random = seededRandom(seed);
  const held = new Uint8Array(labels.length);
  for (const rows of [...byClass.entries()].sort((a, b) => a[0] - b[0]).map(([, r]) => r)) {
    if (rows.length < 2) continue;
    const take = Math.min(rows.length - 1, Math.max(1, Math.round(rows.length * fraction)));
    for (let i = 0; i < take; i++) {
      const j = i + Math.floor(random() * (rows.length - i));
      [rows[i], rows[j]] = [rows[j], rows[i]];
      held[rows[i]] = 1;
    }
  }
  const test: number[] = [];
  const train: number[] = [];
  for (let i = 0; i < labels.length; i++) (held[i] ? test : train).push(i);
  if (test.length === 0) throw new InvalidInputError(`--holdout ${fraction}: no class has two labelled rows, so none can be held out.`);
  return { train: Uint32Array.from(train), test: Uint32Array.from(test) };
}

/** Counts [classes, classes]: row = true class, column = predicted class. */
export function confusionMatrix(truth: ArrayLike<number>, predicted: ArrayLike<number>, classes: number): Int32Array {
  if (truth.length !== predicted.length) throw new InvalidInputError(`confusionMatrix: ${truth.length} true labels for ${predicted.length} predictions.`);
  const m = new Int32Array(classes * classes);
  for (let i = 0; i < truth.length; i++) m[truth[i] * classes + predicted[i]]++;
  return m;
}

/** Share of predictions equal to the truth. */
export function accuracy(truth: ArrayLike<number>, predicted: ArrayLike<number>): number {
  let right = 0;
  for (let i = 0; i < truth.length; i++) if (truth[i] === predicted[i]) right++;
  return right / Math.max(1, truth.length);
}
