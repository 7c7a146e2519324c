import type { Engine } from '../../engine/engine.js';
import { formatBytes, LimitError } from '../../engine/errors.js';
import type { Tensor } from '../../engine/tensor.js';
import { SELL_CHUNK, type SellMatrix } from '../../kernels/tsne_attractive.js';

/**
 * Consecutive SELL chunks whose entries share one pair of buffers, each at most one storage
 * binding: the attractive-force kernel runs one dispatch per group.
 */
export interface SellGroup { chunkStart: number; chunkCount: number; width: number; colIdx: Tensor<'u32'>; val: Tensor<'f32'> }

/** GPU tensors of a SELL-C-σ matrix (see tsne_attractive.wgsl), its entries split into groups. */
export interface SellTensors { perm: Tensor<'u32'>; chunks: Tensor<'u32'>; groups: SellGroup[]; n: number; maxDegree: number; nnz: number }

/**
 * Writes row `row`'s entries into `cols`/`vals` (from index 0, each at least `maxDegree` long) and
 * returns how many; called once per row, in any order.
 */
export type RowSource = (row: number, cols: Uint32Array, vals: Float32Array) => number;

/** Elements of one group: a storage binding, at most 32 MiB so that the host staging stays small. */
export function sellGroupElements(engine: Engine): number {
  return Math.floor(Math.min(engine.limits.maxStorageBufferBindingSize, 32 * 1024 * 1024) / 4);
}

/** Rows sorted by degree, longest first, ties by row (a counting sort: O(n + max degree)). */
function degreeOrder(degree: Uint32Array): Uint32Array {
  let max = 0;
  for (let i = 0; i < degree.length; i++) max = Math.max(max, degree[i]);
  const start = new Uint32Array(max + 2);
  for (let i = 0; i < degree.length; i++) start[max - degree[i] + 1]++;
  for (let d = 0; d <= max; d++) start[d + 1] += start[d];
  const order = new Uint32Array(degree.length);
  for (let i = 0; i < degree.length; i++) order[start[max - degree[i]]++] = i;
  return order;
}

/**
 * Builds SELL-C-σ with C = SELL_CHUNK and σ = n (all rows sorted by degree, longest first):
 * chunks of C rows, column-major, padded to the chunk's longest row with p = 0 entries pointing at
 * the row itself (zero force, zero KL). Groups of chunks are filled from `source` into one pair
 * of host arrays and uploaded one at a time, waiting for each upload to land, so the host (and the
 * driver's staging) holds one group's entries at most.
 */
export async function buildSell(engine: Engine, degree: Uint32Array, source: RowSource): Promise<SellTensors> {
  const C = SELL_CHUNK;
  const n = degree.length;
  const order = degreeOrder(degree);
  const nChunks = Math.ceil(n / C);
  const perm = new Uint32Array(nChunks * C);
  for (let s = 0; s < perm.length; s++) perm[s] = order[Math.min(s, n - 1)];
  const maxDegree = n ? degree[order[0]] : 0;
  let nnz = 0;
  for (let i = 0; i < n; i++) nnz += degree[i];
  const cap = sellGroupElements(engine);
  const chunks = new Uint32Array(nChunks * 2);
  const groups: SellGroup[] = [];
  const rowCols = new Uint32Array(Math.max(maxDegree, 1));
  const rowVals = new Float32Array(Math.max(maxDegree, 1));
  let hostCols = new Uint32Array(0);
  let hostVals = new Float32Array(0);
  for (let c0 = 0; c0 < nChunks;) {
    const width0 = degree[perm[c0 * C]];
    if (width0 * C > cap) {
      throw new LimitError(`t-SNE: a chunk of ${C} affinity rows with ${width0} entries each (${formatBytes(width0 * C * 4)}) ` +
        `does not fit one storage binding (${formatBytes(cap * 4)}).`, 'maxStorageBufferBindingSize', cap * 4, width0 * C * 4);
    }
    let total = 0;
    let c1 = c0;
    for (; c1 < nChunks; c1++) {
      const width = degree[perm[c1 * C]];
      if (total + width * C > cap) break;
      chunks[2 * c1] = total;
      chunks[2 * c1 + 1] = width;
      total += width * C;
    }
    if (hostCols.length < Math.max(total, 1)) {
      hostCols = new Uint32Array(Math.min(cap, Math.max(total, 1, 2 * hostCols.length)));
      hostVals = new Float32Array(hostCols.length);
    }
    const colIdx = hostCols.subarray(0, Math.max(total, 1));
    const val = hostVals.subarray(0, Math.max(total, 1));
    colIdx[0] = 0; val[0] = 0;
    for (let s = c0 * C; s < c1 * C; s++) {
      const row = perm[s];
      const c = Math.floor(s / C);
      const lane = s % C;
      const start = chunks[2 * c];
      const width = chunks[2 * c + 1];
      const deg = s < n ? source(row, rowCols, rowVals) : 0;
      for (let t = 0; t < width; t++) {
        const at = start + t * C + lane;
        if (t < deg) { colIdx[at] = rowCols[t]; val[at] = rowVals[t]; } else { colIdx[at] = row; val[at] = 0; }
      }
    }
    groups.push({
      chunkStart: c0, chunkCount: c1 - c0, width: width0,
      colIdx: engine.tensor(colIdx, [colIdx.length], { label: 'tsne.P.sellCol' }) as Tensor<'u32'>,
      val: engine.tensor(val, [val.length], { label: 'tsne.P.sellVal' }) as Tensor<'f32'>,
    });
    if (c1 < nChunks) await engine.sync();
    c0 = c1;
  }
  return {
    n, maxDegree, nnz, groups,
    perm: engine.tensor(perm, [Math.max(perm.length, 1)], { label: 'tsne.P.perm' }) as Tensor<'u32'>,
    chunks: engine.tensor(chunks, [Math.max(nChunks, 1), 2], { label: 'tsne.P.chunks' }) as Tensor<'u32'>,
  };
}

/** SELL of a CSR matrix held on the host (small matrices; `transform`'s affinities). */
export function csrToSell(engine: Engine, n: number, rowPtr: Uint32Array, cols: Uint32Array, vals: Float32Array): Promise<SellTensors> {
  const degree = new Uint32Array(n);
  for (let i = 0; i < n; i++) degree[i] = rowPtr[i + 1] - rowPtr[i];
  return buildSell(engine, degree, (row, c, v) => {
    const first = rowPtr[row];
    c.set(cols.subarray(first, rowPtr[row + 1]));
    v.set(vals.subarray(first, rowPtr[row + 1]));
    return degree[row];
  });
}

/** The groups as the kernel binds them. */
export function sellSlices(s: SellTensors): SellMatrix {
  return {
    n: s.n, perm: s.perm.slice(), chunks: s.chunks.slice(),
    groups: s.groups.map((g) => ({ chunkStart: g.chunkStart, chunkCount: g.chunkCount, width: g.width, colIdx: g.colIdx.slice(), val: g.val.slice() })),
  };
}

/** Reads the matrix back as CSR with rows in order (tests and diagnostics). */
export async function readSellCsr(s: SellTensors): Promise<{ rowPtr: Uint32Array; colIdx: Uint32Array; val: Float32Array }> {
  const C = SELL_CHUNK;
  const [perm, chunks] = await Promise.all([s.perm.read(), s.chunks.read()]);
  const rows: Array<Array<[number, number]>> = Array.from({ length: s.n }, () => []);
  for (const g of s.groups) {
    const [cols, vals] = await Promise.all([g.colIdx.read(), g.val.read()]);
    for (let slot = g.chunkStart * C; slot < (g.chunkStart + g.chunkCount) * C && slot < s.n; slot++) {
      const c = Math.floor(slot / C);
      for (let t = 0; t < chunks[2 * c + 1]; t++) {
        const at = chunks[2 * c] + t * C + (slot % C);
        if (vals[at] !== 0 || cols[at] !== perm[slot]) rows[perm[slot]].push([cols[at], vals[at]]);
      }
    }
  }
  const rowPtr = new Uint32Array(s.n + 1);
  for (let i = 0; i < s.n; i++) rowPtr[i + 1] = rowPtr[i] + rows[i].length;
  const colIdx = new Uint32Array(rowPtr[s.n]);
  const val = new Float32Array(rowPtr[s.n]);
  rows.forEach((r, i) => r.forEach(([c, v], t) => { colIdx[rowPtr[i] + t] = c; val[rowPtr[i] + t] = v; }));
  return { rowPtr, colIdx, val };
}

export function disposeSell(s: SellTensors): void {
  for (const t of [s.perm, s.chunks]) t.dispose();
  for (const g of s.groups) { g.colIdx.dispose(); g.val.dispose(); }
}
