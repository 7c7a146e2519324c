// Reads a large .npy in slices (in the parse worker): the header first, then blocks of rows that
// are converted to float32, checked for NaN/Inf and handed on one by one, so the page can show
// progress and upload each block to the GPU while the next is read. Files this path does not take
// (other dtypes, Fortran order, a wrong rank, truncation) go to `parseNpy`, whose sentences say why.
import { FileParseError } from './parsers.js';

export interface NpyLayout { n: number; d: number; dataStart: number; descr: '<f4' | '<f8' | '|u1' | '<i4' }

const ITEM = { '<f4': 4, '<f8': 8, '|u1': 1, '<i4': 4 } as const;

/** The layout of a 2-D C-order .npy this path streams, or null for any other file. */
export function npyLayout(head: Uint8Array, fileBytes: number): NpyLayout | null {
  const magic = [0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59];
  if (head.length < 12 || magic.some((b, i) => head[i] !== b)) return null;
  const view = new DataView(head.buffer, head.byteOffset, head.byteLength);
  const major = head[6];
  const headerLen = major === 1 ? view.getUint16(8, true) : view.getUint32(8, true);
  const headerStart = major === 1 ? 10 : 12;
  if (headerStart + headerLen > head.length) return null;
  const header = new TextDecoder().decode(head.subarray(headerStart, headerStart + headerLen));
  const descr = /'descr'\s*:\s*'([^']+)'/.exec(header)?.[1];
  const shape = /'shape'\s*:\s*\(([^)]*)\)/.exec(header)?.[1]?.split(',').map((s) => s.trim()).filter((s) => s).map(Number);
  if (!descr || !(descr in ITEM) || /'fortran_order'\s*:\s*True/.test(header) || shape?.length !== 2) return null;
  const [n, d] = shape;
  const dataStart = headerStart + headerLen;
  if (n < 1 || d < 1 || fileBytes < dataStart + n * d * ITEM[descr as keyof typeof ITEM]) return null;
  return { n, d, dataStart, descr: descr as NpyLayout['descr'] };
}

/** Converts one block of rows (row0 onwards) to float32, refusing NaN/Inf with its row and column. */
export function npyBlock(bytes: ArrayBuffer, layout: NpyLayout, row0: number, fileName: string): Float32Array {
  const src = layout.descr === '<f4' ? new Float32Array(bytes) : layout.descr === '<f8' ? new Float64Array(bytes)
    : layout.descr === '|u1' ? new Uint8Array(bytes) : new Int32Array(bytes);
  const out = src instanceof Float32Array ? src : Float32Array.from(src);
  for (let i = 0; i < out.length; i++) {
    if (!Number.isFinite(out[i])) {
      throw new FileParseError(`${fileName}: row ${row0 + Math.floor(i / layout.d) + 1}, column ${(i % layout.d) + 1} is ${src[i]}; every value must be finite.`);
    }
  }
  return out;
}

/** Rows per block: about 8 MB of float32. */
export const blockRows = (d: number) => Math.max(1, Math.floor((8 << 20) / (4 * d)));
