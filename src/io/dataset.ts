import { closeSync, existsSync, mkdtempSync, openSync, readFileSync, readSync, rmSync, statSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { InvalidInputError } from '../engine/errors.js';
import { isNumberCell, readDelimited } from './delimited.js';
import { headerNamesColumn } from './labels-spec.js';
import { loadFashionMnist, type Split } from './fashion-mnist.js';
import { parseIdx } from './idx.js';
import { NPY_MAGIC, readNpyMatrix } from './npy.js';
import { streamedNpy } from './npy-dataset.js';
import type { DatasetMetadata } from './columnar.js';
import { PARQUET_MAGIC } from './parquet.js';
import { ARROW_MAGIC } from './arrow.js';

/** A matrix of items (rows) by features (columns), with optional class labels. */
export interface Dataset {
  name: string;
  format: 'npy' | 'csv' | 'tsv' | 'idx' | 'parquet' | 'arrow' | 'fashion-mnist';
  x: Float32Array;
  n: number;
  d: number;
  /** Class index per row into `classNames`. */
  labels?: Int32Array;
  classNames?: string[];
  /** Original 0-based row of each kept row, when `dropInvalid` removed some. */
  keptRows?: Int32Array;
  dropped: number;
  /** Greyscale thumbnails (Fashion-MNIST / IDX images), for the explorer. */
  images?: { width: number; height: number };
  /** Parquet/Arrow columns kept beside the vectors (ids, titles, …), one value per kept row. */
  metadata?: DatasetMetadata;
  /**
   * Set when the rows are still in the file (`LoadOptions.stream`): `x` is then read on first use, and
   * `RunContext.uploadDataset` copies the rows to the GPU chunk by chunk without it.
   */
  source?: RowSource;
}

/** Rows kept in their file until asked for. */
export interface RowSource {
  /** Reads rows `start … start+count` into `dest` (row-major, at least `count`·d values). */
  read(start: number, count: number, dest: Float32Array): void;
}

export interface LoadOptions {
  /** A label column (CSV/TSV) or a file of labels (one per line, `.npy` or IDX). */
  labels?: string;
  split?: Split;
  limit?: number;
  /** CSV/TSV columns to leave out (ids, names), by name or 0-based number. */
  ignoreColumns?: string[];
  /** Skip rows with NaN/Inf instead of failing. */
  dropInvalid?: boolean;
  /** CSV/TSV and label files: true if the first row is a header, false if it is data; unset: decided from the cells. */
  header?: boolean;
  /** CSV/TSV: skip rows whose first cell starts with this text (off by default). */
  comment?: string;
  /** The name used in messages (default: the file's name). */
  name?: string;
  onProgress?: (done: number, total: number) => void;
  /**
   * `.npy` files: check the rows in chunks and leave them in the file (see `Dataset.source`), so that
   * the GPU upload is the only full copy. The file must stay in place until the data is used.
   */
  stream?: boolean;
  /** Told what was skipped beyond NaN rows (Parquet/Arrow null or ragged vectors with `dropInvalid`). */
  onNote?: (message: string) => void;
}

export const BUILTIN_DATASETS = ['fashion-mnist'] as const;

type Format = Dataset['format'];

/** Picks the reader from the name, then from the first bytes. */
export function detectFormat(path: string): Format {
  const lower = path.toLowerCase();
  if (lower.endsWith('.npy')) return 'npy';
  if (lower.endsWith('.csv')) return 'csv';
  if (/\.(tsv|tab)$/.test(lower)) return 'tsv';
  if (/\.idx\d?(\.gz)?$|-ubyte(\.gz)?$/.test(lower)) return 'idx';
  if (/\.(parquet|pq)$/.test(lower)) return 'parquet';
  if (/\.(arrow|arrows|feather|ipc)$/.test(lower)) return 'arrow';
  const head = new Uint8Array(8);
  const fd = openSync(path, 'r');
  try { readSync(fd, head, 0, 8, 0); } finally { closeSync(fd); }
  if (NPY_MAGIC.every((b, i) => head[i] === b)) return 'npy';
  if (PARQUET_MAGIC.every((b, i) => head[i] === b)) return 'parquet';
  // The Arrow file format starts with ARROW1; a stream with the 0xFFFFFFFF continuation marker.
  if (ARROW_MAGIC.every((b, i) => head[i] === b) || (head[0] === 0xff && head[1] === 0xff && head[2] === 0xff && head[3] === 0xff)) return 'arrow';
  if ((head[0] === 0 && head[1] === 0 && head[2] >= 8 && head[3] > 0) || (head[0] === 0x1f && head[1] === 0x8b)) return 'idx';
  const text = head.every((b) => b === 9 || b === 10 || b === 13 || (b >= 32 && b < 127) || b >= 0x80);
  if (text) return readFileSync(path, 'utf8').slice(0, 4096).includes('\t') ? 'tsv' : 'csv';
  throw new InvalidInputError(`${path}: unrecognised format; latentgpu reads .npy, .csv, .tsv, .parquet, Arrow IPC (.arrow, .feather, .arrows), IDX files and the built-in name fashion-mnist.`);
}

/** Class indices for label strings: numeric labels in numeric order, others in sorted order. */
export function encodeLabels(values: ArrayLike<string | number>): { labels: Int32Array; classNames: string[] } {
  const strings = Array.from(values, (v) => String(v));
  const unique = [...new Set(strings)];
  const numeric = unique.every((s) => s !== '' && !Number.isNaN(Number(s)));
  unique.sort(numeric ? (a, b) => Number(a) - Number(b) : (a, b) => a.localeCompare(b));
  const index = new Map(unique.map((s, i) => [s, i]));
  return { labels: Int32Array.from(strings, (s) => index.get(s)!), classNames: unique };
}

const LABEL_HEADER = /^(labels?|class(es)?|targets?|category|categories|y|name)$/i;

/**
 * Reads a labels file: one label per line (text), a 1-D `.npy`, or an IDX vector. A text file's first
 * line is a header when `header` says so or, unset, when it is text above a number (as for CSV), or a
 * word such as `label` or `class` in a file with one line more than `rows`.
 */
export function readLabelsFile(path: string, opts: { header?: boolean; rows?: number } = {}): string[] {
  const fmt = detectFormat(path);
  if (fmt === 'npy') return Array.from(readNpyMatrix(path).data, String);
  if (fmt === 'idx') return Array.from(parseIdx(readFileSync(path), path).data, String);
  const lines = readFileSync(path, 'utf8').replace(/^\uFEFF/, '').split(/\r?\n/).map((s) => s.trim());
  while (lines.length && lines[lines.length - 1] === '') lines.pop();
  const [first, second] = lines;
  const header = opts.header ?? (first !== undefined && !isNumberCell(first) &&
    ((second !== undefined && isNumberCell(second)) || (LABEL_HEADER.test(first) && lines.length === (opts.rows ?? -2) + 1)));
  return header ? lines.slice(1) : lines;
}

/**
 * Copies stdin (`-`) or a pipe, FIFO or device (which have no size and can be read once) into a
 * temporary file, so that every reader can seek in it. Returns its path and a function removing it.
 */
export function spool(input: string): { path: string; remove: () => void } {
  const dir = mkdtempSync(join(tmpdir(), 'latentgpu-'));
  const path = join(dir, 'input');
  const src = input === '-' ? 0 : openSync(input, 'r');
  const dst = openSync(path, 'w');
  try {
    const buf = new Uint8Array(1 << 20);
    for (;;) {
      let n: number;
      try {
        n = readSync(src, buf, 0, buf.length, null);
      } catch (e) {
        // A non-blocking stdin has nothing yet: wait a little and read again.
        if ((e as NodeJS.ErrnoException).code === 'EAGAIN') { Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 5); continue; }
        throw e;
      }
      if (n === 0) break;
      writeSync(dst, buf, 0, n);
    }
  } finally {
    closeSync(dst);
    if (src !== 0) closeSync(src);
  }
  return { path, remove: () => rmSync(dir, { recursive: true, force: true }) };
}

/** stdin, a pipe, a FIFO or a device: read once, so copied to a file first (see `spool`). */
export const needsSpool = (input: string) => input === '-' || (existsSync(input) && !statSync(input).isFile() && !statSync(input).isDirectory());

export function checkFinite(ds: Dataset, dropInvalid: boolean, lines?: Int32Array): Dataset {
  const { x, n, d } = ds;
  const bad: number[] = [];
  for (let r = 0; r < n; r++) {
    for (let o = r * d, e = o + d; o < e; o++) if (!Number.isFinite(x[o])) { bad.push(r); break; }
  }
  if (bad.length === 0) return ds;
  if (!dropInvalid) {
    const where = (lines ? 'line' : 'row') + (bad.length > 1 ? 's' : '');
    const shown = bad.slice(0, 8).map((r) => (lines ? lines[r] : r)).join(', ');
    throw new InvalidInputError(`${ds.name} has NaN, Inf or missing values in ${bad.length} row${bad.length > 1 ? 's' : ''} ` +
      `(${where} ${shown}${bad.length > 8 ? ', …' : ''}${lines ? '' : ', 0-based'}); pass --drop-invalid to skip them.`);
  }
  if (bad.length === n) throw new InvalidInputError(`${ds.name}: every row has NaN, Inf or missing values.`);
  const kept = new Int32Array(n - bad.length);
  let k = 0;
  let b = 0;
  for (let r = 0; r < n; r++) {
    if (b < bad.length && bad[b] === r) { b++; continue; }
    if (k !== r) x.copyWithin(k * d, r * d, (r + 1) * d);
    if (ds.labels) ds.labels[k] = ds.labels[r];
    kept[k++] = r;
  }
  const metadata = ds.metadata && {
    names: ds.metadata.names,
    columns: ds.metadata.columns.map((c) => (c instanceof Float64Array ? Float64Array.from(kept, (r) => c[r]) : Array.from(kept, (r) => c[r]))),
  };
  return { ...ds, x: x.subarray(0, k * d), n: k, labels: ds.labels?.subarray(0, k), keptRows: kept, dropped: bad.length, metadata };
}

/**
 * Loads an input for the CLI: `fashion-mnist`, an `.npy`, CSV/TSV or IDX file. Values become float32;
 * uint8 arrays (images) are scaled to [0, 1]. Rows with NaN/Inf are an error naming them, or are dropped.
 */
export function loadDataset(input: string, opts: LoadOptions = {}): Dataset {
  if (needsSpool(input)) {
    const copy = spool(input);
    try {
      return loadDataset(copy.path, { ...opts, stream: false, name: input === '-' ? 'stdin' : basename(input) });
    } finally {
      copy.remove();
    }
  }
  if (opts.limit !== undefined && (!Number.isInteger(opts.limit) || opts.limit < 1)) {
    throw new InvalidInputError(`--limit must be a positive integer, got ${opts.limit}.`);
  }
  if (input === 'fashion-mnist') {
    const fm = loadFashionMnist(opts.split ?? 'train', opts.limit);
    return {
      name: `fashion-mnist (${opts.split ?? 'train'})`, format: 'fashion-mnist', x: fm.x, n: fm.n, d: fm.d,
      labels: Int32Array.from(fm.labels), classNames: [...fm.classNames], dropped: 0, images: { width: fm.width, height: fm.height },
    };
  }
  if (!existsSync(input)) {
    throw new InvalidInputError(`${input}: no such file (inputs are .npy, .csv, .tsv or IDX files, or the built-in name ${BUILTIN_DATASETS.join(', ')}).`);
  }
  if (statSync(input).isDirectory()) throw new InvalidInputError(`${input} is a directory, not a data file.`);
  const name = opts.name ?? basename(input);
  if (statSync(input).size === 0) throw new InvalidInputError(`${name} is empty.`);
  const format = detectFormat(input);
  if (format === 'parquet' || format === 'arrow') {
    throw new InvalidInputError(`${name} is ${format === 'parquet' ? 'Parquet' : 'Arrow'}, which is read as the main input only (loadDatasetAsync); give .npy or .csv here.`);
  }
  if (opts.ignoreColumns?.length && format !== 'csv' && format !== 'tsv') {
    throw new InvalidInputError(`--ignore applies to CSV/TSV columns; ${name} is ${format}.`);
  }
  let ds: Dataset;
  let lines: Int32Array | undefined;
  let labelStrings: string[] | undefined;
  const labelsIsFile = opts.labels !== undefined && existsSync(opts.labels) && statSync(opts.labels).isFile() &&
    !((format === 'csv' || format === 'tsv') && headerNamesColumn(input, opts.labels));
  if (format === 'csv' || format === 'tsv') {
    const total = statSync(input).size;
    const t = readDelimited(input, {
      delimiter: /\.(tsv|tab)$/i.test(input) ? '\t' : undefined, header: opts.header, comment: opts.comment,
      labelColumn: labelsIsFile ? undefined : opts.labels, ignoreColumns: opts.ignoreColumns, limit: opts.limit, name,
      totalBytes: total, onProgress: opts.onProgress,
    });
    ds = { name, format, x: t.data, n: t.rows, d: t.cols, dropped: 0 };
    lines = t.lines;
    labelStrings = t.labels;
  } else if (format === 'npy') {
    ds = (opts.stream && streamedNpy(input, name, opts.limit)) || (() => {
      const m = readNpyMatrix(input, { limit: opts.limit, scaleBytes: true, name });
      return { name, format, x: m.data, n: m.rows, d: m.cols, dropped: 0 };
    })();
  } else {
    const a = parseIdx(readFileSync(input), name, opts.limit);
    const d = a.shape.slice(1).reduce((p, q) => p * q, 1);
    const x = new Float32Array(a.data.length);
    const scale = a.dtype === 'uint8' ? 1 / 255 : 1;
    for (let i = 0; i < x.length; i++) x[i] = a.data[i] * scale;
    ds = { name, format, x, n: a.shape[0] ?? 1, d, dropped: 0, images: a.shape.length === 3 ? { width: a.shape[2], height: a.shape[1] } : undefined };
  }
  if (opts.labels !== undefined && !labelStrings) {
    if (!labelsIsFile) {
      throw new InvalidInputError(format === 'csv' || format === 'tsv'
        ? `--labels ${opts.labels}: no such column or file.`
        : `--labels ${opts.labels}: no such file (a label column can only be named for CSV/TSV input).`);
    }
    labelStrings = readLabelsFile(opts.labels, { header: opts.header, rows: ds.n });
    if (labelStrings.length < ds.n || (labelStrings.length > ds.n && opts.limit === undefined)) {
      throw new InvalidInputError(`${basename(opts.labels)} has ${labelStrings.length} labels for ${ds.n} rows of ${name}.`);
    }
    labelStrings = labelStrings.slice(0, ds.n);
  }
  if (labelStrings) Object.assign(ds, encodeLabels(labelStrings));
  if (ds.n === 0 || ds.d === 0) throw new InvalidInputError(`${name} has no data (shape ${ds.n}×${ds.d}).`);
  return ds.source ? ds : checkFinite(ds, opts.dropInvalid ?? false, lines);
}
