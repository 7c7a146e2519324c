import { gunzipSync } from 'node:zlib';
import { InvalidInputError } from '../engine/errors.js';

/** IDX element types (LeCun's format, as used by MNIST and Fashion-MNIST). */
const IDX_TYPES: Record<number, { name: string; bytes: number }> = {
  0x08: { name: 'uint8', bytes: 1 }, 0x09: { name: 'int8', bytes: 1 }, 0x0b: { name: 'int16', bytes: 2 },
  0x0c: { name: 'int32', bytes: 4 }, 0x0d: { name: 'float32', bytes: 4 }, 0x0e: { name: 'float64', bytes: 8 },
};

export interface IdxArray {
  dtype: string;
  shape: number[];
  /** Values in their own type (uint8 stays a Uint8Array). */
  data: Uint8Array | Int8Array | Int16Array | Int32Array | Float32Array | Float64Array;
}

function gunzip(raw: Uint8Array, name: string): Uint8Array {
  try {
    return new Uint8Array(gunzipSync(raw));
  } catch (e) {
    throw new InvalidInputError(`${name} is a damaged or truncated gzip file (${(e as Error).message}); download or compress it again.`);
  }
}

/** Parses an IDX file (gzipped or not) from memory. Big-endian multi-byte values are converted. */
export function parseIdx(raw: Uint8Array, name = 'IDX data', limit?: number): IdxArray {
  const bytes = raw[0] === 0x1f && raw[1] === 0x8b ? gunzip(raw, name) : raw;
  if (bytes.length < 4 || bytes[0] !== 0 || bytes[1] !== 0) {
    throw new InvalidInputError(`${name} is not an IDX file (it must start with two zero bytes).`);
  }
  const type = IDX_TYPES[bytes[2]];
  if (!type) throw new InvalidInputError(`${name}: unknown IDX element type 0x${bytes[2].toString(16)}.`);
  const rank = bytes[3];
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (bytes.length < 4 + 4 * rank) throw new InvalidInputError(`${name}: truncated IDX header.`);
  const shape = Array.from({ length: rank }, (_, i) => view.getUint32(4 + 4 * i, false));
  if (limit !== undefined && rank > 0) shape[0] = Math.min(shape[0], limit);
  const count = shape.reduce((a, b) => a * b, 1);
  const offset = 4 + 4 * rank;
  if (bytes.length < offset + count * type.bytes) {
    throw new InvalidInputError(`${name}: IDX data is truncated (${bytes.length - offset} bytes for ${count} ${type.name} values).`);
  }
  let data: IdxArray['data'];
  switch (type.name) {
    case 'uint8': data = bytes.slice(offset, offset + count); break;
    case 'int8': data = new Int8Array(bytes.slice(offset, offset + count).buffer); break;
    default: {
      const Ctor = { int16: Int16Array, int32: Int32Array, float32: Float32Array, float64: Float64Array }[type.name as 'int16']!;
      const out = new Ctor(count);
      for (let i = 0; i < count; i++) {
        const o = offset + i * type.bytes;
        out[i] = type.name === 'int16' ? view.getInt16(o, false) : type.name === 'int32' ? view.getInt32(o, false)
          : type.name === 'float32' ? view.getFloat32(o, false) : view.getFloat64(o, false);
      }
      data = out;
    }
  }
  return { dtype: type.name, shape, data };
}
