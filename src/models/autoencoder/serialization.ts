import { InvalidInputError } from '../../engine/errors.js';

export interface NamedArray {
  name: string;
  shape: number[];
  data: Float32Array;
}

/**
 * Writes tensors in the safetensors layout (https://huggingface.co/docs/safetensors): an 8-byte
 * little-endian header length, a JSON header mapping each name to {dtype: "F32", shape,
 * data_offsets: [begin, end)} relative to the data section, plus "__metadata__" (string values
 * only), padded with spaces to a multiple of 8; then the little-endian f32 data, in header order.
 */
export function writeSafetensors(arrays: NamedArray[], metadata: Record<string, string>): Uint8Array {
  const header: Record<string, unknown> = { __metadata__: metadata };
  let offset = 0;
  for (const a of arrays) {
    header[a.name] = { dtype: 'F32', shape: a.shape, data_offsets: [offset, offset + a.data.length * 4] };
    offset += a.data.length * 4;
  }
  let json = JSON.stringify(header);
  json += ' '.repeat((8 - (new TextEncoder().encode(json).length % 8)) % 8);
  const headerBytes = new TextEncoder().encode(json);
  const out = new Uint8Array(8 + headerBytes.length + offset);
  const view = new DataView(out.buffer);
  view.setBigUint64(0, BigInt(headerBytes.length), true);
  out.set(headerBytes, 8);
  let at = 8 + headerBytes.length;
  for (const a of arrays) {
    for (let i = 0; i < a.data.length; i++) view.setFloat32(at + i * 4, a.data[i], true);
    at += a.data.length * 4;
  }
  return out;
}

/** Reads a safetensors file of F32 tensors. */
export function readSafetensors(bytes: Uint8Array): { arrays: Map<string, NamedArray>; metadata: Record<string, string> } {
  if (bytes.length < 8) throw new InvalidInputError(`model file is ${bytes.length} bytes, too short for a safetensors header.`);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const n = Number(view.getBigUint64(0, true));
  if (8 + n > bytes.length) throw new InvalidInputError(`model file header claims ${n} bytes but the file has ${bytes.length}.`);
  let header: Record<string, { dtype: string; shape: number[]; data_offsets: [number, number] }>;
  try {
    header = JSON.parse(new TextDecoder().decode(bytes.subarray(8, 8 + n)));
  } catch (e) {
    throw new InvalidInputError(`model file header is not JSON: ${(e as Error).message}`);
  }
  const metadata = (header.__metadata__ ?? {}) as unknown as Record<string, string>;
  const arrays = new Map<string, NamedArray>();
  const base = 8 + n;
  for (const [name, info] of Object.entries(header)) {
    if (name === '__metadata__') continue;
    if (info.dtype !== 'F32') throw new InvalidInputError(`tensor "${name}" is ${info.dtype}; only F32 is supported.`);
    const [b, e] = info.data_offsets;
    const count = info.shape.reduce((p, q) => p * q, 1);
    if (e - b !== count * 4 || base + e > bytes.length) {
      throw new InvalidInputError(`tensor "${name}" offsets [${b}, ${e}) do not match shape ${JSON.stringify(info.shape)} or the file size.`);
    }
    const data = new Float32Array(count);
    let bad = 0;
    for (let i = 0; i < count; i++) {
      data[i] = view.getFloat32(base + b + i * 4, true);
      if (!Number.isFinite(data[i])) bad++;
    }
    // A model with NaN/Inf weights scores every row NaN or ranks rows by noise: refuse it here.
    if (bad) throw new InvalidInputError(`tensor "${name}" holds ${bad} NaN or Inf value${bad > 1 ? 's' : ''}; the model is damaged (or diverged in training) and cannot be used.`);
    arrays.set(name, { name, shape: info.shape, data });
  }
  return { arrays, metadata };
}
