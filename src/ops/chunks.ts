import type { Engine } from '../engine/engine.js';
import { LimitError, formatBytes } from '../engine/errors.js';

export interface RowChunk { start: number; count: number }

/**
 * Splits `rows` rows of `rowElems` f32 values (and optionally a second array with `otherRowElems`
 * per row) into chunks that fit one storage binding, with every chunk offset aligned for binding.
 * One chunk when everything fits.
 */
export function rowChunks(engine: Engine, rows: number, rowElems: number, otherRowElems = 0, what = 'data'): RowChunk[] {
  const max = engine.limits.maxStorageBufferBindingSize;
  const align = engine.limits.minStorageBufferOffsetAlignment;
  const widest = Math.max(rowElems, otherRowElems) * 4;
  if (rows * widest <= max) return [{ start: 0, count: rows }];
  // Offsets start·rowBytes must be multiples of `align`; a multiple of `align` rows always is.
  const step = align;
  const per = Math.floor(max / widest / step) * step;
  if (per < 1) {
    throw new LimitError(`${what}: one row (${formatBytes(widest)}) does not fit one storage binding ` +
      `(maxStorageBufferBindingSize ${formatBytes(max)}).`, 'maxStorageBufferBindingSize', max, widest);
  }
  const out: RowChunk[] = [];
  for (let s = 0; s < rows; s += per) out.push({ start: s, count: Math.min(per, rows - s) });
  return out;
}
