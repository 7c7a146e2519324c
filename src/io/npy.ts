import { closeSync, fstatSync, openSync, readSync } from 'node:fs';
import { InvalidInputError } from '../engine/errors.js';

/**
 * NumPy `.npy` files (format versions 1–3, https://numpy.org/doc/stable/reference/generated/numpy.lib.format.html):
 * magic `\x93NUMPY`, version, header length, a Python-dict header, then the raw array.
 */
export const NPY_MAGIC = [0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59];

export type NpyKind = 'f4' | 'f8' | 'u1' | 'i1' | 'i2' | 'i4' | 'u2' | 'u4' | 'i8' | 'u8';
export const ITEM_BYTES: Record<NpyKind, number> = { f4: 4, f8: 8, u1: 1, i1: 1, i2: 2, i4: 4, u2: 2, u4: 4, i8: 8, u8: 8 };

export interface NpyHeader {
  /** The descr as written, e.g. `<f4`. */
  descr: string;
  kind: NpyKind;
  littleEndian: boolean;
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
  if (fortran === 'True') {
    throw new InvalidInputError(`${name} is stored in Fortran (column-major) order; save it in C order, e.g. np.save(path, np.ascontiguousarray(x)).`);
  }
  const kind = descr.slice(1) as NpyKind;
  if (!(kind in ITEM_BYTES) || !'<>|='.includes(descr[0])) {
    throw new InvalidInputError(`${name} holds dtype ${descr}; latentgpu reads float32, float64 and integer .npy arrays.`);
  }
  const shape = shapeText.split(',').map((s) => s.trim()).filter((s) => s.length > 0).map(Number);
  if (shape.some((s) => !Number.isInteger(s) || s < 0)) throw new InvalidInputError(`${name}: bad shape (${shapeText}) in .npy header.`);
  return { descr, kind, littleEndian: descr[0] !== '>', shape, dataOffset: start + headerLen };
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

/**
 * Reads an `.npy` array as a float32 matrix in chunks, so a 70k×784 float64 file needs the float32
 * result plus one 8 MiB buffer, not a second full copy. Rank 1 becomes one column; rank ≥ 3 keeps the
 * first axis as rows and flattens the rest (images).
 */
export function readNpyMatrix(path: string, opts: { limit?: number; scaleBytes?: boolean; name?: string } = {}): NpyMatrix {
  const name = opts.name ?? path;
  const fd = openSync(path, 'r');
  try {
    const size = fstatSync(fd).size;
    const head = new Uint8Array(Math.min(size, 65536 + 12));
    readSync(fd, head, 0, head.length, 0);
    const h = parseNpyHeader(head, name);
    if (h.shape.length === 0) throw new InvalidInputError(`${name} holds a scalar, not a matrix.`);
    const fullRows = h.shape[0];
    const cols = h.shape.slice(1).reduce((a, b) => a * b, 1);
    const rows = opts.limit === undefined ? fullRows : Math.min(fullRows, opts.limit);
    const item = ITEM_BYTES[h.kind];
    const count = rows * cols;
    const have = size - h.dataOffset;
    if (have < fullRows * cols * item) {
      throw new InvalidInputError(`${name} is truncated: ${have} data bytes for shape (${h.shape.join(', ')}) of ${h.descr}.`);
    }
    const out = new Float32Array(count);
    const outBytes = new Uint8Array(out.buffer);
    if (h.kind === 'f4' && h.littleEndian) {
      // Straight into the result, chunk by chunk.
      for (let done = 0; done < count * 4;) done += readSync(fd, outBytes, done, Math.min(CHUNK, count * 4 - done), h.dataOffset + done);
    } else {
      const buf = new Uint8Array(Math.max(item, Math.floor(CHUNK / item) * item));
      const view = new DataView(buf.buffer);
      const scale = opts.scaleBytes && h.kind === 'u1' ? 1 / 255 : 1;
      for (let i = 0; i < count;) {
        const n = Math.min(count - i, buf.length / item);
        let got = 0;
        while (got < n * item) got += readSync(fd, buf, got, n * item - got, h.dataOffset + i * item + got);
        for (let j = 0; j < n; j++) {
          const v = element(view, h.kind, j * item, h.littleEndian) * scale;
          out[i + j] = v;
          // A finite float64 beyond ±3.4e38 becomes Inf in float32: say so, rather than "NaN or Inf".
          if (Number.isFinite(v) && !Number.isFinite(out[i + j])) {
            throw new InvalidInputError(`${name}: the value ${v.toPrecision(4)} at row ${Math.floor((i + j) / cols)}, column ${(i + j) % cols} (0-based) ` +
              'is beyond the float32 range (±3.4e38) that latentgpu computes in; rescale the data.');
          }
        }
        i += n;
      }
    }
    return { data: out, rows, cols, dtype: h.descr, shape: h.shape };
  } finally {
    closeSync(fd);
  }
}

export function element(v: DataView, kind: NpyKind, o: number, le: boolean): number {
  switch (kind) {
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
