import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readNpyMatrix } from '../src/io/npy.js';
import { readGraphFile } from '../src/io/graph.js';
import { blobs, runCli, tempDir, writeFormats } from './cli-helpers.js';

const dir = tempDir();
const at = (f: string) => join(dir, f);
const d = 6;
const data = blobs(3, 60, d, 7, 0.6);
const files = writeFormats(dir, 'blobs', data.x, data.n, d, data.labels);

/** An int64 .npy of a [rows, k] index matrix, as numpy writes neighbour indices. */
function writeInt64Npy(path: string, idx: ArrayLike<number>, rows: number, k: number): void {
  let header = `{'descr': '<i8', 'fortran_order': False, 'shape': (${rows}, ${k}), }`;
  header += ' '.repeat(63 - ((10 + header.length) % 64)) + '\n';
  const body = new BigInt64Array(rows * k);
  for (let i = 0; i < rows * k; i++) body[i] = BigInt(idx[i]);
  const pre = Buffer.from([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59, 1, 0, header.length & 255, header.length >> 8]);
  writeFileSync(path, Buffer.concat([pre, Buffer.from(header, 'latin1'), Buffer.from(body.buffer)]));
}

/** Float64 squared distance between rows i and j of the test data. */
const dist2 = (i: number, j: number) => {
  let s = 0;
  for (let q = 0; q < d; q++) s += (data.x[i * d + q] - data.x[j * d + q]) ** 2;
  return s;
};

describe('kNN graphs out of and into the CLI', () => {
  it('knn writes the graph and its distances; both match a float64 brute force', async () => {
    const r = await runCli(['knn', files.npy, '--k', '9', '--knn', 'exact', '-o', at('g.npy'), '--distances', at('dist.npy'), '-q', '--json']);
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout).outputs).toEqual([at('g.npy'), at('dist.npy')]);
    const g = readGraphFile(at('g.npy'));
    const dist = readNpyMatrix(at('dist.npy'));
    expect([g.rows, g.k, dist.rows, dist.cols]).toEqual([data.n, 9, data.n, 9]);
    for (const i of [0, 17, 101, data.n - 1]) {
      const want = Array.from({ length: data.n }, (_, j) => j).filter((j) => j !== i).sort((a, b) => dist2(i, a) - dist2(i, b) || a - b).slice(0, 9);
      expect(Array.from(g.indices.subarray(i * 9, i * 9 + 9))).toEqual(want);
      for (let t = 0; t < 9; t++) expect(dist.data[i * 9 + t]).toBeCloseTo(Math.sqrt(dist2(i, want[t])), 4);
    }
  });

  it('tsne and umap use a given graph in any column order, int64, with the self column numpy adds', async () => {
    const g = readGraphFile(at('g.npy'));
    // scikit-learn's kneighbors on the training set lists each point first; shuffle the rest.
    const wide = new Array<number>(data.n * 10);
    for (let i = 0; i < data.n; i++) {
      const row = Array.from(g.indices.subarray(i * 9, i * 9 + 9)).reverse();
      wide.splice(i * 10, 10, i, ...row);
    }
    writeInt64Npy(at('g64.npy'), wide, data.n, 10);
    const common = ['--perplexity', '3', '--iterations', '200', '--via', 'none', '-q', '--json', '--no-metrics', '--force'];
    const given = await runCli(['tsne', files.npy, '--graph', at('g64.npy'), '-o', at('t-given.npy'), ...common]);
    expect(given.code, given.stderr).toBe(0);
    expect(JSON.parse(given.stdout).knn).toMatchObject({ method: 'given', k: 9, graph_k: 10 });
    const plain = await runCli(['tsne', files.npy, '--graph', at('g.npy'), '-o', at('t-plain.npy'), ...common]);
    expect(plain.code).toBe(0);
    // The same neighbours in another order and dtype give the same map, byte for byte.
    expect(readFileSync(at('t-given.npy')).equals(readFileSync(at('t-plain.npy')))).toBe(true);
    const u = await runCli(['umap', files.npy, '--graph', at('g64.npy'), '--neighbors', '8', '--epochs', '50', '-o', at('u.npy'),
      '--labels', files.labelsFile, '-q', '--json', '--force']);
    expect(u.code, u.stderr).toBe(0);
    const us = JSON.parse(u.stdout);
    expect(us.knn).toMatchObject({ method: 'given', k: 7 });
    expect(us.metrics.knn_accuracy_10).toBeGreaterThan(0.95);
  });

  it('--knn approx builds the graph with the approximate method', async () => {
    const r = await runCli(['tsne', files.npy, '--knn', 'approx', '--perplexity', '3', '--iterations', '100', '--via', 'none', '-q', '--json', '--no-metrics']);
    expect(r.code, r.stderr).toBe(0);
    expect(JSON.parse(r.stdout).knn).toMatchObject({ method: 'approx', k: 9 });
  });

  it('refuses graphs that do not fit the data, before any work, naming the problem', async () => {
    const g = readGraphFile(at('g.npy'));
    writeInt64Npy(at('short.npy'), g.indices.subarray(0, (data.n - 1) * 9), data.n - 1, 9);
    const bad = Array.from(g.indices);
    bad[5 * 9 + 2] = data.n + 4;
    writeInt64Npy(at('range.npy'), bad, data.n, 9);
    const dup = Array.from(g.indices);
    for (let t = 0; t < 9; t++) dup[3 * 9 + t] = t < 5 ? 3 : dup[3 * 9 + t];
    writeInt64Npy(at('dup.npy'), dup, data.n, 9);
    writeFileSync(at('float.npy'), readFileSync(files.npy));
    const cases: Array<[string[], RegExp]> = [
      [['--graph', at('short.npy')], /has 179 rows but blobs\.npy has 180/],
      [['--graph', at('g.npy'), '--perplexity', '5'], /lists 9 neighbours per row; perplexity 5 .* needs 15/],
      [['--graph', at('range.npy')], /row 5 lists point 184, but the data has 180 rows/],
      [['--graph', at('dup.npy')], /1 row lists fewer than the 9 neighbours needed \(row 3 has 4 besides itself\)/],
      [['--graph', at('float.npy')], /holds <f4 values; a graph is integer neighbour indices/],
      [['--graph', at('nope.npy')], /no such file/],
    ];
    for (const [args, message] of cases) {
      const r = await runCli(['tsne', files.npy, '--perplexity', '3', '--via', 'none', '-o', at('never.npy'), ...args]);
      expect(r.code).toBe(1);
      expect(r.stderr).toMatch(message);
    }
    expect(() => readFileSync(at('never.npy'))).toThrow();
  });
});
