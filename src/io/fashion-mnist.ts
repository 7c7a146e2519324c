import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { InvalidInputError } from '../engine/errors.js';
import { parseIdx } from './idx.js';

/** Where Debian's `dataset-fashion-mnist` package puts the IDX files. */
export const FASHION_MNIST_DIR = process.env.LATENTGPU_FASHION_MNIST ?? '/usr/share/datasets/fashion-mnist';

export const FASHION_MNIST_CLASSES = [
  'T-shirt/top', 'Trouser', 'Pullover', 'Dress', 'Coat', 'Sandal', 'Shirt', 'Sneaker', 'Bag', 'Ankle boot',
] as const;

export type Split = 'train' | 'test' | 'all';

export interface LabelledImages {
  /** Rows of 784 pixels scaled to [0, 1], row-major [n, 784]. */
  x: Float32Array;
  /** The raw 0..255 pixels, kept for thumbnails. */
  pixels: Uint8Array;
  labels: Uint8Array;
  n: number;
  d: number;
  width: number;
  height: number;
  classNames: readonly string[];
}

function file(dir: string, stem: string): string {
  for (const name of [`${stem}.gz`, stem]) {
    const p = join(dir, name);
    if (existsSync(p)) return p;
  }
  throw new InvalidInputError(`Fashion-MNIST file ${stem}(.gz) not found in ${dir}: ` +
    'install it with `apt-get install dataset-fashion-mnist` (or run `npm run setup`), or set LATENTGPU_FASHION_MNIST.');
}

function loadPart(dir: string, prefix: 'train' | 't10k', limit?: number) {
  const images = parseIdx(readFileSync(file(dir, `${prefix}-images-idx3-ubyte`)), `${prefix} images`, limit);
  const labels = parseIdx(readFileSync(file(dir, `${prefix}-labels-idx1-ubyte`)), `${prefix} labels`, limit);
  return { pixels: images.data as Uint8Array, labels: labels.data as Uint8Array, n: images.shape[0] };
}

/**
 * Loads Fashion-MNIST (Xiao et al. 2017): 60,000 train and 10,000 test 28×28 greyscale garments.
 * `all` is train followed by test. `limit` keeps the first rows of the split.
 */
export function loadFashionMnist(split: Split = 'train', limit?: number, dir = FASHION_MNIST_DIR): LabelledImages {
  if (limit !== undefined && (!Number.isInteger(limit) || limit < 1)) {
    throw new InvalidInputError(`--limit must be a positive integer, got ${limit}.`);
  }
  const parts = split === 'train' ? [loadPart(dir, 'train', limit)]
    : split === 'test' ? [loadPart(dir, 't10k', limit)]
    : (() => {
      const tr = loadPart(dir, 'train', limit);
      const rest = limit === undefined ? undefined : limit - tr.n;
      return rest === undefined || rest > 0 ? [tr, loadPart(dir, 't10k', rest)] : [tr];
    })();
  const n = parts.reduce((a, p) => a + p.n, 0);
  const d = 784;
  const pixels = new Uint8Array(n * d);
  const labels = new Uint8Array(n);
  let row = 0;
  for (const p of parts) {
    pixels.set(p.pixels.subarray(0, p.n * d), row * d);
    labels.set(p.labels.subarray(0, p.n), row);
    row += p.n;
  }
  const x = new Float32Array(n * d);
  for (let i = 0; i < x.length; i++) x[i] = pixels[i] / 255;
  return { x, pixels, labels, n, d, width: 28, height: 28, classNames: FASHION_MNIST_CLASSES };
}
