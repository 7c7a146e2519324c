import { closeSync, fstatSync, openSync, readSync } from 'node:fs';
import { InvalidInputError } from '../engine/errors.js';

/**
 * NumPy `.npy` files (format versions 1–3, https://numpy.org/doc/stable/reference/generated/numpy.lib.format.html):
 * magic `\x93NUMPY`, version, header length, a Python-dict header, then the raw array.
 */
export const NPY_MAGIC = [0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59];

export type NpyKind = 'f2' | 'f4' | 'f8' | 'u1' | 'i1' | 'i2' | 'i4' | 'i8' | 'u2' | 'u4' | 'u8';
export const ITEM_BYTES: Record<NpyKind, number> = { f2: 2, f4: 4, f8: 8, u1: 1, i1: 1, i2: 2, i4: 4, i8: 8, u2: 2, u4: 4, u8: 8 };

export interface NpyHeader {
  /** The descr as written, e.g. `<f4`. */
  descr: string;
  kind: NpyKind;
  littleEndian: boolean;
  /** Column-major: the first axis varies fastest in the file. */
  fortran: boolean;
  shape: number[];
  /** Byte offset of the first element. */
  dataOffset: number;
}

/** Parses the header of an `.npy` file from its first bytes (at least the header must be present). */
export function parseNpyHeader(head: Uint8Array, name: string): NpyHeader {
  if (head.length < 10 || NPY_MAGIC.some((b, i) => head[i] !== b)) {
    throw new InvalidInputError(`${name} is not a NumPy .npy file (missing the \\x93NUMPY magic).`);
  }
  const major = head[6];
  const view = new DataView(head.buffer, head.byteOffset, head.byteLength);
  const lenBytes = major === 1 ? 2 : 4;
  const headerLen = major === 1 ? view.getUint16(8, true) : view.getUint32(8, true);
  const start = 8 + lenBytes;
  if (head.length < start + headerLen) throw new InvalidInputError(`${name}: truncated .npy header.`);
  const text = new TextDecoder().decode(head.subarray(start, start + headerLen));
  const descr = /'descr'\s*:\s*'([^']+)'/.exec(text)?.[1];
  const fortran = /'fortran_order'\s*:\s*(True|False)/.exec(text)?.[1];
  const shapeText = /'shape'\s*:\s*\(([^)]*)\)/.exec(text)?.[1];
  if (!descr || !fortran || shapeText === undefined) throw new InvalidInputError(`${name}: unreadable .npy header "${text.trim()}".`);
  const kind = descr.slice(1) as NpyKind;
  if (!(kind in ITEM_BYTES) || !'<>|='.includes(descr[0])) {
    throw new InvalidInputError(`${name} holds dtype ${descr}; latentgpu reads float16/32/64 and integer .npy arrays.`);
  }
  const shape = shapeText.split(',').map((s) => s.trim()).filter((s) => s.length > 0).map(Number);
  if (shape.some((s) => !Number.isInteger(s) || s < 0)) throw new InvalidInputError(`${name}: bad shape (${shapeText}) in .npy header.`);
  if (fortran === 'True' && shape.length > 2) {
    throw new InvalidInputError(`${name} is a ${shape.length}-D array in Fortran (column-major) order; save it in C order, e.g. np.save(path, np.ascontiguousarray(x)).`);
  }
  return { descr, kind, littleEndian: descr[0] !== '>', fortran: fortran === 'True', shape, dataOffset: start + headerLen };
}

export interface NpyMatrix {
  /** Row-major [rows, cols] as float32; uint8 values are scaled to [0, 1] when `scaleBytes` is set. */
  data: Float32Array;
  rows: number;
  cols: number;
  dtype: string;
  shape: number[];
}

const CHUNK = 8 * 1024 * 1024;

/** An open `.npy` file whose header has been read and whose size has been checked. */
export interface NpySource {
  fd: number;
  name: string;
  header: NpyHeader;
  /** Rows in the file (the first axis) and values per row (the other axes). */
  fileRows: number;
  cols: number;
  /** 1/255 for uint8 images with `scaleBytes`, else 1. */
  scale: number;
}

/** Opens an `.npy` file: reads its header and refuses a file shorter than its shape says. Close with `closeNpy`. */
export function openNpy(path: string, opts: { scaleBytes?: boolean; name?: string } = {}): NpySource {
  const name = opts.name ?? path;
  const fd = openSync(path, 'r');
  try {
    const size = fstatSync(fd).size;
    const head = new Uint8Array(Math.min(size, 65536 + 12));
    readFully(fd, head, 0, name);
    const h = parseNpyHeader(head, name);
    if (h.shape.length === 0) throw new InvalidInputError(`${name} holds a scalar, not a matrix.`);
    const fileRows = h.shape[0];
    const cols = h.shape.slice(1).reduce((a, b) => a * b, 1);
    const want = fileRows * cols * ITEM_BYTES[h.kind];
    const have = size - h.dataOffset;
    if (have < want) {
      throw new InvalidInputError(`${name} is truncated: shape (${h.shape.join(', ')}) of ${h.descr} needs ${want} data bytes, the file has ${Math.max(0, have)}.`);
    }
    return { fd, name, header: h, fileRows, cols, scale: opts.scaleBytes && h.kind === 'u1' ? 1 / 255 : 1 };
  } catch (e) {
    closeSync(fd);
    throw e;
  }
}

export const closeNpy = (src: NpySource) => closeSync(src.fd);

/** Fills `buf` from `position`, failing (never returning short) if the file ends first. */
function readFully(fd: number, buf: Uint8Array, position: number, name: string): void {
  for (let got = 0; got < buf.length;) {
    const n = readSync(fd, buf, got, buf.length - got, position + got);
    if (n === 0) throw new InvalidInputError(`${name} ended after ${position + got} bytes while ${position + buf.length} were expected (was it cut short while being read?).`);
    got += n;
  }
}

/**
 * Reads rows `start … start+count` of a C-order file into `dest` (row-major float32): little-endian
 * float32 straight into `dest`'s memory, other dtypes through one 8 MiB buffer and converted.
 */
export function readNpyRows(src: NpySource, start: number, count: number, dest: Float32Array): void {
  const { header: h, cols, name } = src;
  const first = start * cols;
  const total = count * cols;
  if (h.fortran && cols > 1) throw new InvalidInputError(`${name}: rows of a Fortran-order file are not contiguous; read it whole with readNpyMatrix.`);
  if (h.kind === 'f4' && h.littleEndian) {
    const bytes = new Uint8Array(dest.buffer, dest.byteOffset, total * 4);
    for (let o = 0; o < bytes.length; o += CHUNK) readFully(src.fd, bytes.subarray(o, Math.min(bytes.length, o + CHUNK)), h.dataOffset + first * 4 + o, name);
    return;
  }
  convertRange(src, first, total, (i, v) => { dest[i - first] = v; });
}

/** Reads `total` values from value `first` in file order, converted to float32, handing each to `put`. */
function convertRange(src: NpySource, first: number, total: number, put: (i: number, v: number) => void): void {
  const { header: h, name, cols } = src;
  const item = ITEM_BYTES[h.kind];
  const buf = new Uint8Array(Math.max(item, Math.floor(CHUNK / item) * item));
  const view = new DataView(buf.buffer);
  const f32 = new Float32Array(1);
  for (let i = 0; i < total;) {
    const n = Math.min(total - i, buf.length / item);
    readFully(src.fd, buf.subarray(0, n * item), h.dataOffset + (first + i) * item, name);
    for (let j = 0; j < n; j++) {
      const v = element(view, h.kind, j * item, h.littleEndian) * src.scale;
      f32[0] = v;
      // A finite float64 beyond ±3.4e38 becomes Inf in float32: say so, rather than "NaN or Inf".
      if (Number.isFinite(v) && !Number.isFinite(f32[0])) {
        const at = first + i + j;
        const [row, col] = h.fortran ? [at % src.fileRows, Math.floor(at / src.fileRows)] : [Math.floor(at / cols), at % cols];
        throw new InvalidInputError(`${name}: the value ${v.toPrecision(4)} at row ${row}, column ${col} (0-based) ` +
          'is beyond the float32 range (±3.4e38) that latentgpu computes in; rescale the data.');
      }
      put(first + i + j, f32[0]);
    }
    i += n;
  }
}

/**
 * Reads an `.npy` array as a float32 matrix in chunks, so a 70k×784 float64 file needs the float32
 * result plus one 8 MiB buffer, not a second full copy. Rank 1 becomes one column; rank ≥ 3 keeps the
 * first axis as rows and flattens the rest (images). A 2-D Fortran-order array is transposed as read.
 */
export function readNpyMatrix(path: string, opts: { limit?: number; scaleBytes?: boolean; name?: string } = {}): NpyMatrix {
  const src = openNpy(path, opts);
  try {
    const { header: h, cols, fileRows } = src;
    const rows = opts.limit === undefined ? fileRows : Math.min(fileRows, opts.limit);
    const out = new Float32Array(rows * cols);
    if (h.fortran && cols > 1) {
      // Column j holds values j·fileRows … (j+1)·fileRows − 1; only the first `rows` of each are kept.
      for (let j = 0; j < cols; j++) convertRange(src, j * fileRows, rows, (i, v) => { out[(i - j * fileRows) * cols + j] = v; });
    } else {
      readNpyRows(src, 0, rows, out);
    }
    return { data: out, rows, cols, dtype: h.descr, shape: h.shape };
  } finally {
    closeNpy(src);
  }
}

/** IEEE 754 half precision (NumPy float16) to a number. */
function halfToNumber(bits: number): number {
  const e = (bits >> 10) & 0x1f;
  const m = bits & 0x3ff;
  const sign = bits & 0x8000 ? -1 : 1;
  if (e === 0) return sign * m * 2 ** -24;
  if (e === 31) return m ? NaN : sign * Infinity;
  return sign * (1 + m / 1024) * 2 ** (e - 15);
}

export function element(v: DataView, kind: NpyKind, o: number, le: boolean): number {
  switch (kind) {
    case 'f2': return halfToNumber(v.getUint16(o, le));
    case 'f4': return v.getFloat32(o, le);
    case 'f8': return v.getFloat64(o, le);
    case 'u1': return v.getUint8(o);
    case 'i1': return v.getInt8(o);
    case 'i2': return v.getInt16(o, le);
    case 'u2': return v.getUint16(o, le);
    case 'i4': return v.getInt32(o, le);
    case 'u4': return v.getUint32(o, le);
    // Beyond 2^53 these round; as data values that is float32's fate anyway, and graph indices that large are refused.
    case 'i8': return Number(v.getBigInt64(o, le));
    case 'u8': return Number(v.getBigUint64(o, le));
  }
}

/** The `.npy` (version 1.0) header for a little-endian C-order array, padded to 64 bytes. */
export function npyHeader(descr: '<f4' | '<u4' | '<i4' | '<f8', shape: readonly number[]): Uint8Array {
  const shapeText = shape.length === 1 ? `(${shape[0]},)` : `(${shape.join(', ')})`;
  let dict = `{'descr': '${descr}', 'fortran_order': False, 'shape': ${shapeText}, }`;
  const total = Math.ceil((10 + dict.length + 1) / 64) * 64;
  dict = dict.padEnd(total - 10 - 1, ' ') + '\n';
  const out = new Uint8Array(total);
  out.set(NPY_MAGIC, 0);
  out[6] = 1; out[7] = 0;
  new DataView(out.buffer).setUint16(8, dict.length, true);
  out.set(new TextEncoder().encode(dict), 10);
  return out;
}

/** A whole `.npy` file in memory (header + little-endian data; this machine is little-endian). */
export function encodeNpy(data: Float32Array | Uint32Array | Int32Array, shape: readonly number[]): Uint8Array {
  const descr = data instanceof Float32Array ? '<f4' : data instanceof Uint32Array ? '<u4' : '<i4';
  const head = npyHeader(descr, shape);
  const out = new Uint8Array(head.length + data.byteLength);
  out.set(head, 0);
  out.set(new Uint8Array(data.buffer, data.byteOffset, data.byteLength), head.length);
  return out;
}
