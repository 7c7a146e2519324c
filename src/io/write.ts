import { closeSync, existsSync, fsyncSync, lstatSync, mkdirSync, openSync, readlinkSync, realpathSync, renameSync, rmSync, statSync, writeSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { InvalidInputError } from '../engine/errors.js';
import { npyHeader } from './npy.js';

/** Temporary files being written now; removed by `removePendingTemps` when a run is interrupted. */
const pending = new Set<string>();

export function removePendingTemps(): void {
  for (const p of pending) rmSync(p, { force: true });
  pending.clear();
}

/** `-` as an output path: standard output. */
export const STDOUT = '-';

type Kind = 'missing' | 'file' | 'directory' | 'stream' | 'other';

/** What `path` is, following links: a stream is a FIFO or a character device (written through, never replaced). */
function kindOf(path: string): Kind {
  let st;
  try {
    st = statSync(path);
  } catch {
    return 'missing';
  }
  if (st.isFile()) return 'file';
  if (st.isDirectory()) return 'directory';
  if (st.isFIFO() || st.isCharacterDevice()) return 'stream';
  return 'other';
}

function isLink(path: string): boolean {
  try { return lstatSync(path).isSymbolicLink(); } catch { return false; }
}

/**
 * Fails with one sentence when `path` cannot be written: an existing file without `force`, a
 * directory, a socket, a dangling link or a missing folder. `-` (stdout), FIFOs and character devices
 * such as /dev/null are written through; a link is followed and its target replaced (with `force`).
 */
export function assertWritable(path: string, force = false): void {
  if (path === STDOUT) return;
  const kind = kindOf(path);
  if (kind === 'directory') throw new InvalidInputError(`${path} is a directory; give a file name for the output.`);
  if (kind === 'other') throw new InvalidInputError(`${path} is not a regular file, a FIFO or a device; latentgpu will not replace it.`);
  if (kind === 'missing' && isLink(path)) throw new InvalidInputError(`${path} is a link to a missing file (${readlinkSync(path)}); latentgpu will not guess where to write.`);
  if (kind === 'file' && !force) throw new InvalidInputError(`${path} already exists; pass --force to overwrite it.`);
  if (kind === 'missing' && !existsSync(dirname(path) || '.')) throw new InvalidInputError(`cannot write ${path}: the folder ${dirname(path)} does not exist.`);
}

/** Whether two paths name the same existing file (links followed). */
export function sameFile(a: string, b: string): boolean {
  try {
    const [x, y] = [statSync(a), statSync(b)];
    return x.ino === y.ino && x.dev === y.dev;
  } catch {
    return false;
  }
}

/** Writes all of `bytes` to a file descriptor, waiting when a non-blocking pipe is full. */
function writeAll(fd: number, bytes: Uint8Array): void {
  for (let o = 0; o < bytes.length;) {
    try {
      o += writeSync(fd, bytes, o, bytes.length - o);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EAGAIN') throw e;
      Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 2);
    }
  }
}

/** Feeds `write`'s appends to `fd`, batching text. */
function pour(fd: number, write: (append: (bytes: Uint8Array | string) => void) => void): void {
  const enc = new TextEncoder();
  let text = '';
  const flushText = () => { if (text) { writeAll(fd, enc.encode(text)); text = ''; } };
  write((bytes) => {
    if (typeof bytes === 'string') { text += bytes; if (text.length > 1 << 20) flushText(); return; }
    flushText();
    writeAll(fd, bytes);
  });
  flushText();
}

/**
 * Writes a file under a temporary name in the same folder and renames it into place, so an
 * interrupted or failed write never leaves a partial file at `path` (a link's target is replaced
 * and the link kept). Standard output (`-`), FIFOs and devices are written straight through.
 * `write` gets a function that appends bytes.
 */
export function writeAtomic(path: string, write: (append: (bytes: Uint8Array | string) => void) => void, force = false): void {
  assertWritable(path, force);
  if (path === STDOUT || kindOf(path) === 'stream') {
    const fd = path === STDOUT ? 1 : openSync(path, 'w');
    try { pour(fd, write); } finally { if (fd !== 1) closeSync(fd); }
    return;
  }
  const target = isLink(path) ? realpathSync(path) : path;
  const temp = join(dirname(target), `.${basename(target)}.${process.pid}.${Math.random().toString(36).slice(2, 8)}.tmp`);
  pending.add(temp);
  let fd: number | undefined = openSync(temp, 'w');
  try {
    pour(fd, write);
    fsyncSync(fd);
    closeSync(fd);
    fd = undefined;
    renameSync(temp, target);
  } catch (e) {
    if (fd !== undefined) closeSync(fd);
    rmSync(temp, { force: true });
    throw e;
  } finally {
    pending.delete(temp);
  }
}

export type OutputFormat = 'npy' | 'csv' | 'tsv' | 'projector';

/** What an output holds: a matrix and, optionally, labels for each row. */
export interface OutputTable {
  data: Float32Array | Uint32Array | Int32Array;
  rows: number;
  cols: number;
  /** Column names for text formats (default `dim0`, `dim1`, …). */
  columns?: string[];
  /** Extra text columns appended in text formats and in the projector's metadata (e.g. label names). */
  extra?: Record<string, ArrayLike<string | number>>;
}

/** The format from `--format` or the extension of `-o`. */
export function outputFormat(path: string, format?: string): OutputFormat {
  if (format !== undefined) {
    if (!['npy', 'csv', 'tsv', 'projector'].includes(format)) {
      throw new InvalidInputError(`--format ${format} is not one of npy, csv, tsv, projector.`);
    }
    if (path === STDOUT && format === 'projector') throw new InvalidInputError('--format projector writes two files into a folder; give -o a folder, not -.');
    return format as OutputFormat;
  }
  if (path === STDOUT) return 'csv';
  const ext = /\.([a-z]+)$/i.exec(path)?.[1]?.toLowerCase();
  if (ext === 'npy' || ext === 'csv' || ext === 'tsv') return ext;
  if (kindOf(path) === 'stream') return 'csv'; // /dev/stdout, a FIFO: text unless --format says otherwise
  throw new InvalidInputError(`cannot tell the output format of ${path}: use a .npy, .csv or .tsv name, or --format projector with a folder.`);
}

function formatNumber(v: number): string {
  // Nine significant digits round-trip any float32.
  return Number.isInteger(v) ? String(v) : String(+v.toPrecision(9));
}

function writeText(path: string, t: OutputTable, delim: string, header: boolean, force: boolean): void {
  const cols = t.columns ?? Array.from({ length: t.cols }, (_, j) => `dim${j}`);
  const extra = Object.entries(t.extra ?? {});
  const quote = (s: string) => (delim === ',' && /[",\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s.replace(/[\t\n]/g, ' '));
  writeAtomic(path, (append) => {
    if (header) append([...cols, ...extra.map(([k]) => k)].map(quote).join(delim) + '\n');
    for (let i = 0; i < t.rows; i++) {
      const cells: string[] = [];
      for (let j = 0; j < t.cols; j++) cells.push(formatNumber(t.data[i * t.cols + j]));
      for (const [, v] of extra) cells.push(quote(String(v[i])));
      append(cells.join(delim) + '\n');
    }
  }, force);
}

/**
 * Writes a table as `.npy` (float32/uint32 data only), `.csv`/`.tsv` (header + extra columns), or the
 * TensorFlow Embedding Projector pair `tensors.tsv` + `metadata.tsv` into the folder `path`.
 * Returns the files written.
 */
export function writeTable(path: string, t: OutputTable, opts: { format?: string; force?: boolean } = {}): string[] {
  const format = outputFormat(path, opts.format);
  const force = opts.force ?? false;
  if (format === 'npy') {
    if (path === STDOUT && process.stdout.isTTY) throw new InvalidInputError('-o - with --format npy would print binary data on the terminal; redirect stdout to a file or a pipe.');
    const head = npyHeader(t.data instanceof Float32Array ? '<f4' : t.data instanceof Uint32Array ? '<u4' : '<i4', [t.rows, t.cols]);
    writeAtomic(path, (append) => {
      append(head);
      const bytes = new Uint8Array(t.data.buffer, t.data.byteOffset, t.rows * t.cols * 4);
      for (let o = 0; o < bytes.length; o += 1 << 24) append(bytes.subarray(o, Math.min(bytes.length, o + (1 << 24))));
    }, force);
    return [path];
  }
  if (format === 'csv' || format === 'tsv') {
    writeText(path, t, format === 'csv' ? ',' : '\t', true, force);
    return [path];
  }
  // Projector: the tensors file has no header; metadata has one only when it has several columns.
  if (existsSync(path) && !statSync(path).isDirectory()) throw new InvalidInputError(`${path} is a file; --format projector writes into a folder.`);
  mkdirSync(path, { recursive: true });
  const tensors = join(path, 'tensors.tsv');
  const metadata = join(path, 'metadata.tsv');
  assertWritable(tensors, force);
  assertWritable(metadata, force);
  writeText(tensors, { ...t, extra: undefined }, '\t', false, force);
  const extra = Object.entries(t.extra ?? {});
  const meta: OutputTable = extra.length
    ? { data: new Int32Array(0), rows: t.rows, cols: 0, columns: [], extra: Object.fromEntries(extra) }
    : { data: new Int32Array(0), rows: t.rows, cols: 0, columns: [], extra: { index: Int32Array.from({ length: t.rows }, (_, i) => i) } };
  writeText(metadata, meta, '\t', Object.keys(meta.extra!).length > 1, force);
  return [tensors, metadata];
}
