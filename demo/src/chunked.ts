// Row-wise library ops over very tall inputs in slices: a single matmul over a million rows asks
// for more workgroups along one dimension than adapters allow (65,535), so the explorer applies
// such ops to 2^18 rows at a time and gathers the results into one tensor, all on the GPU.
import type { Engine, Tensor } from '../../src/browser.js';

export const ROW_SLICE = 1 << 18;

/** `f` applied to x [n, d] in slices of rows; its outputs ([rows, outCols]) stacked into [n, outCols]. */
export function mapRows(engine: Engine, x: Tensor, outCols: number, f: (rows: Tensor) => Tensor, label: string): Tensor {
  if (x.rows <= ROW_SLICE) return f(x);
  const y = engine.empty([x.rows, outCols], 'f32', label);
  for (let start = 0; start < x.rows; start += ROW_SLICE) {
    const rows = Math.min(ROW_SLICE, x.rows - start);
    const part = engine.empty([rows, x.cols], 'f32', `${label}.in`);
    engine.copy(x, part, rows * x.cols, start * x.cols, 0);
    const out = f(part);
    engine.copy(out, y, rows * outCols, 0, start * outCols);
    part.dispose();
    out.dispose();
  }
  return y;
}
