import { closeSync, fstatSync, openSync, readSync } from 'node:fs';
import { basename } from 'node:path';
import { InvalidInputError } from '../engine/errors.js';
import { element, ITEM_BYTES, parseNpyHeader } from './npy.js';

/**
 * A kNN graph read from a file: row i lists up to `k` neighbours of point i (any order; -1 marks
 * an empty slot, as FAISS and others write it). Distances are not read: they are recomputed from
 * the data, so a graph built elsewhere (another library, another machine) is used exactly.
 */
export interface GraphFile {
  /** Row-major [rows, k]; -1 where a row lists fewer than k neighbours. */
  indices: Int32Array;
  rows: number;
  k: number;
}

const CHUNK = 8 * 1024 * 1024;

/**
 * Reads a neighbour-index matrix from an `.npy` file of integers ([rows, k], int32/int64/uint32/…;
 * what `latentgpu knn -o graph.npy`, scikit-learn's `kneighbors` and FAISS's `search` give). Indices
 * must be integers in [-1, 2^31); anything else is refused with its row.
 */
export function readGraphFile(path: string): GraphFile {
  const name = basename(path);
  if (!/\.npy$/i.test(path)) {
    throw new InvalidInputError(`--graph ${name}: the graph must be an .npy file of neighbour indices [rows, k] (e.g. from latentgpu knn -o graph.npy).`);
  }
  const fd = openSync(path, 'r');
  try {
    const size = fstatSync(fd).size;
    const head = new Uint8Array(Math.min(size, 65536 + 12));
    readSync(fd, head, 0, head.length, 0);
    const h = parseNpyHeader(head, name);
    if (h.kind === 'f4' || h.kind === 'f8') {
      throw new InvalidInputError(`--graph ${name} holds ${h.descr} values; a graph is integer neighbour indices (int32 or int64) [rows, k].`);
    }
    if (h.shape.length !== 2 || h.shape[1] < 1) {
      throw new InvalidInputError(`--graph ${name} has shape (${h.shape.join(', ')}); a graph is [rows, k] neighbour indices.`);
    }
    const [rows, k] = h.shape;
    const item = ITEM_BYTES[h.kind];
    const count = rows * k;
    if (size - h.dataOffset < count * item) {
      throw new InvalidInputError(`--graph ${name} is truncated: ${size - h.dataOffset} data bytes for shape (${rows}, ${k}) of ${h.descr}.`);
    }
    const out = new Int32Array(count);
    const buf = new Uint8Array(Math.floor(CHUNK / item) * item);
    const view = new DataView(buf.buffer);
    for (let i = 0; i < count;) {
      const n = Math.min(count - i, buf.length / item);
      let got = 0;
      while (got < n * item) {
        const r = readSync(fd, buf, got, n * item - got, h.dataOffset + i * item + got);
        if (r === 0) throw new InvalidInputError(`--graph ${name}: the file ended early (it changed while being read?).`);
        got += r;
      }
      for (let j = 0; j < n; j++) {
        const v = element(view, h.kind, j * item, h.littleEndian);
        if (!(v >= -1 && v < 2 ** 31) || !Number.isInteger(v)) {
          throw new InvalidInputError(`--graph ${name}: row ${Math.floor((i + j) / k)} lists ${v}, which is not a point index (0 or more, or -1 for none).`);
        }
        out[i + j] = v;
      }
      i += n;
    }
    return { indices: out, rows, k };
  } finally {
    closeSync(fd);
  }
}
