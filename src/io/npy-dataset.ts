import type { Dataset, RowSource } from './dataset.js';
import { closeNpy, openNpy, readNpyMatrix, readNpyRows } from './npy.js';

const STREAM_CHUNK = 16 * 1024 * 1024;

/**
 * A C-order `.npy` dataset left in its file: its rows are read once here, in 16 MiB chunks, to check
 * that all are finite; `x` is read on first use. Undefined (read it whole) when some row is not
 * finite, so that the usual message or `--drop-invalid` applies, or for a Fortran-order matrix.
 */
export function streamedNpy(path: string, name: string, limit?: number): Dataset | undefined {
  const scan = openNpy(path, { scaleBytes: true, name });
  const { cols: d, header } = scan;
  const n = Math.min(scan.fileRows, limit ?? Infinity);
  try {
    if ((header.fortran && d > 1) || n * d === 0) return undefined;
    const per = Math.max(1, Math.floor(STREAM_CHUNK / 4 / d));
    const chunk = new Float32Array(Math.min(n, per) * d);
    for (let r = 0; r < n; r += per) {
      const k = Math.min(per, n - r);
      readNpyRows(scan, r, k, chunk);
      for (let i = 0; i < k * d; i++) if (!Number.isFinite(chunk[i])) return undefined;
    }
  } finally {
    closeNpy(scan);
  }
  const source: RowSource = {
    read(start, count, dest) {
      const src = openNpy(path, { scaleBytes: true, name });
      try { readNpyRows(src, start, count, dest); } finally { closeNpy(src); }
    },
  };
  let x: Float32Array | undefined;
  const ds = { name, format: 'npy', n, d, dropped: 0, source } as Dataset;
  Object.defineProperty(ds, 'x', {
    enumerable: true, configurable: true,
    get: () => (x ??= readNpyMatrix(path, { limit, scaleBytes: true, name }).data),
    set: (v: Float32Array) => { x = v; },
  });
  return ds;
}
