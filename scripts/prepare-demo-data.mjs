// Writes Fashion-MNIST from Debian's IDX files into the compact file the explorer loads
// (demo/public/data/fashion-mnist.bin). Usage: node scripts/prepare-demo-data.mjs [--split test|train|all] [--limit N]
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { fileURLToPath } from 'node:url';

export const DEMO_MAGIC = 'LGFM';
export const DEMO_VERSION = 1;
const HEADER_BYTES = 24;

/**
 * Packs labelled greyscale images: a 24-byte header (magic "LGFM", version, n, width, height,
 * class-name bytes) then the class names as UTF-8 JSON, n label bytes and n*width*height pixel bytes.
 * Pixels stay 0..255 bytes (one quarter of f32) and serve both as features and as thumbnails.
 */
export function encodeDemoData({ pixels, labels, n, width, height, classNames }) {
  if (labels.length !== n || pixels.length !== n * width * height) {
    throw new Error(`encodeDemoData: ${labels.length} labels and ${pixels.length} pixels do not match n=${n} of ${width}x${height}.`);
  }
  const names = new TextEncoder().encode(JSON.stringify(classNames));
  const out = new Uint8Array(HEADER_BYTES + names.length + n + pixels.length);
  const view = new DataView(out.buffer);
  out.set(new TextEncoder().encode(DEMO_MAGIC), 0);
  view.setUint32(4, DEMO_VERSION, true);
  view.setUint32(8, n, true);
  view.setUint32(12, width, true);
  view.setUint32(16, height, true);
  view.setUint32(20, names.length, true);
  out.set(names, HEADER_BYTES);
  out.set(labels, HEADER_BYTES + names.length);
  out.set(pixels, HEADER_BYTES + names.length + n);
  return out;
}

/** Reads an IDX file (gzipped or not) of unsigned bytes; returns its shape and bytes. */
export function readIdxBytes(raw, name, limit) {
  const bytes = raw[0] === 0x1f && raw[1] === 0x8b ? new Uint8Array(gunzipSync(raw)) : raw;
  if (bytes.length < 4 || bytes[0] !== 0 || bytes[1] !== 0 || bytes[2] !== 0x08) {
    throw new Error(`${name} is not an IDX file of unsigned bytes.`);
  }
  const rank = bytes[3];
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const shape = Array.from({ length: rank }, (_, i) => view.getUint32(4 + 4 * i, false));
  if (limit !== undefined) shape[0] = Math.min(shape[0], limit);
  const count = shape.reduce((a, b) => a * b, 1);
  const offset = 4 + 4 * rank;
  if (bytes.length < offset + count) throw new Error(`${name} is truncated.`);
  return { shape, data: bytes.slice(offset, offset + count) };
}

export const CLASS_NAMES = ['T-shirt/top', 'Trouser', 'Pullover', 'Dress', 'Coat', 'Sandal', 'Shirt', 'Sneaker', 'Bag', 'Ankle boot'];

function idxPath(dir, stem) {
  for (const p of [join(dir, `${stem}.gz`), join(dir, stem)]) if (existsSync(p)) return p;
  throw new Error(`Fashion-MNIST file ${stem}(.gz) not found in ${dir}: install it with ` +
    '`apt-get install dataset-fashion-mnist` (or run `npm run setup`), or set LATENTGPU_FASHION_MNIST.');
}

export function loadFashionParts(dir, split, limit) {
  const prefixes = split === 'train' ? ['train'] : split === 'test' ? ['t10k'] : ['train', 't10k'];
  const parts = [];
  let left = limit;
  for (const prefix of prefixes) {
    if (left !== undefined && left <= 0) break;
    const images = readIdxBytes(readFileSync(idxPath(dir, `${prefix}-images-idx3-ubyte`)), `${prefix} images`, left);
    const labels = readIdxBytes(readFileSync(idxPath(dir, `${prefix}-labels-idx1-ubyte`)), `${prefix} labels`, left);
    parts.push({ images, labels });
    if (left !== undefined) left -= images.shape[0];
  }
  const n = parts.reduce((a, p) => a + p.images.shape[0], 0);
  const [, height, width] = parts[0].images.shape;
  const pixels = new Uint8Array(n * width * height);
  const labels = new Uint8Array(n);
  let row = 0;
  for (const p of parts) {
    pixels.set(p.images.data, row * width * height);
    labels.set(p.labels.data, row);
    row += p.images.shape[0];
  }
  return { pixels, labels, n, width, height, classNames: CLASS_NAMES };
}

function parseArgs(argv) {
  const args = { split: 'test', limit: undefined, out: 'demo/public/data/fashion-mnist.bin' };
  for (let i = 0; i < argv.length; i++) {
    if (argv[i] === '--split') args.split = argv[++i];
    else if (argv[i] === '--limit') args.limit = Number(argv[++i]);
    else if (argv[i] === '--out') args.out = argv[++i];
    else throw new Error(`Unknown option ${argv[i]}: expected --split test|train|all, --limit N or --out FILE.`);
  }
  if (!['test', 'train', 'all'].includes(args.split)) throw new Error(`--split must be test, train or all, got ${args.split}.`);
  if (args.limit !== undefined && !(Number.isInteger(args.limit) && args.limit > 0)) throw new Error('--limit must be a positive integer.');
  return args;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  try {
    const args = parseArgs(process.argv.slice(2));
    const dir = process.env.LATENTGPU_FASHION_MNIST ?? '/usr/share/datasets/fashion-mnist';
    const data = loadFashionParts(dir, args.split, args.limit);
    mkdirSync(dirname(args.out), { recursive: true });
    writeFileSync(args.out, encodeDemoData(data));
    console.log(`wrote ${data.n} Fashion-MNIST images to ${args.out}`);
  } catch (e) {
    console.error(`prepare-demo-data: ${e.message}`);
    process.exit(1);
  }
}
