import type { Engine } from '../../engine/engine.js';
import type { Tensor } from '../../engine/tensor.js';
import { SELL_CHUNK, type SellMatrix } from '../../kernels/tsne_attractive.js';

/** GPU tensors of a SELL-C-σ matrix (see tsne_attractive.wgsl). */
export interface SellTensors { perm: Tensor<'u32'>; chunks: Tensor<'u32'>; colIdx: Tensor<'u32'>; val: Tensor<'f32'>; n: number; maxDegree: number }

/**
 * Converts CSR to SELL-C-σ with C = SELL_CHUNK and σ = n (all rows sorted by degree, longest
 * first): chunks of C rows, column-major, padded to the chunk's longest row with p = 0 entries
 * pointing at the row itself (zero force, zero KL).
 */
export function csrToSell(engine: Engine, n: number, rowPtr: Uint32Array, cols: Uint32Array, vals: Float32Array): SellTensors {
  const C = SELL_CHUNK;
  const degree = (i: number) => rowPtr[i + 1] - rowPtr[i];
  const order = Array.from({ length: n }, (_, i) => i).sort((a, b) => degree(b) - degree(a) || a - b);
  const nChunks = Math.ceil(n / C);
  const perm = new Uint32Array(nChunks * C);
  const chunks = new Uint32Array(nChunks * 2);
  let total = 0;
  for (let c = 0; c < nChunks; c++) {
    const width = degree(order[c * C]);
    chunks[2 * c] = total;
    chunks[2 * c + 1] = width;
    total += width * C;
  }
  const colIdx = new Uint32Array(Math.max(total, 1));
  const val = new Float32Array(Math.max(total, 1));
  for (let s = 0; s < nChunks * C; s++) {
    const row = order[Math.min(s, n - 1)];
    perm[s] = row;
    const c = Math.floor(s / C);
    const lane = s % C;
    const [start, width] = [chunks[2 * c], chunks[2 * c + 1]];
    const first = rowPtr[row];
    const deg = s < n ? degree(row) : 0;
    for (let t = 0; t < width; t++) {
      const at = start + t * C + lane;
      if (t < deg) { colIdx[at] = cols[first + t]; val[at] = vals[first + t]; } else { colIdx[at] = row; val[at] = 0; }
    }
  }
  return {
    n, maxDegree: n ? degree(order[0]) : 0,
    perm: engine.tensor(perm, [perm.length], { label: 'tsne.P.perm' }) as Tensor<'u32'>,
    chunks: engine.tensor(chunks, [nChunks, 2], { label: 'tsne.P.chunks' }) as Tensor<'u32'>,
    colIdx: engine.tensor(colIdx, [colIdx.length], { label: 'tsne.P.sellCol' }) as Tensor<'u32'>,
    val: engine.tensor(val, [val.length], { label: 'tsne.P.sellVal' }) as Tensor<'f32'>,
  };
}

export function sellSlices(s: SellTensors): SellMatrix {
  return { n: s.n, maxDegree: s.maxDegree, perm: s.perm.slice(), chunks: s.chunks.slice(), colIdx: s.colIdx.slice(), val: s.val.slice() };
}

export function disposeSell(s: SellTensors): void {
  for (const t of [s.perm, s.chunks, s.colIdx, s.val]) t.dispose();
}
