// `npm run bench -- tsne-scale --runs X.npy:GRAPH[:TILE[:ORDER]][,...] [--iterations 100] [--dims 2]`
// t-SNE at growing n from saved kNN graphs (GRAPH-idx.npy and GRAPH-dist.npy, [n, k] uint32/float32,
// e.g. written by `knnGraph(engine, x, 90, { method: 'approx' })`): the time of the affinities
// (calibration, symmetrisation, SELL upload) and of one iteration in steady state (iterations 10 to
// 70 % of the run, before the field grid is refined) in wall time and in the process's CPU time
// (robust to other work sharing the cores), the field grid in use, and the process's peak RSS. The peer is the first run: each later run reports its per-iteration time as a ratio to it and
// the exponent log(t / t₀) / log(n / n₀) (1 = linear). A run's TILE (default 1) repeats a graph TILE times over
// consecutive blocks of rows (block c's indices shifted by c·n), a stand-in of the same degree
// structure at TILE·n points when the kNN of that size is not at hand (the data are then the first TILE·n rows of X).
// ORDER is t-SNE's `reorder`: `input` (off), `bfs` (on) or `auto` (the default, on from 50,000 points).
import { readFileSync } from 'node:fs';
import { createEngine, readNpyMatrix, TSNE } from '../src/index.js';
import type { KnnGraph } from '../src/models/knn/index.js';
import { machine, parseArgs, table, writeResult } from './lib/common.js';

const args = parseArgs();
const iterations = Number(args.iterations ?? 100);
const dims = Number(args.dims ?? 2) as 2 | 3;
const runs = String(args.runs ?? '').split(',').filter(Boolean).map((r) => r.split(':'));
if (!runs.length) throw new Error('give --runs X.npy:GRAPH[,...]');
const engine = await createEngine({ onWarning: () => {} });
const rows: Array<Record<string, unknown>> = [];

function readU32Npy(path: string): { data: Uint32Array; rows: number; cols: number } {
  const buf = readFileSync(path);
  const headerLen = buf.readUInt16LE(8);
  const header = buf.subarray(10, 10 + headerLen).toString('latin1');
  const [rowsStr, colsStr] = /\((\d+),\s*(\d+)\)/.exec(header)!.slice(1);
  const data = new Uint32Array(buf.buffer.slice(buf.byteOffset + 10 + headerLen, buf.byteOffset + buf.length));
  return { data, rows: Number(rowsStr), cols: Number(colsStr) };
}

/** The graph on the GPU, with no host copy left referenced. */
function loadGraph(graphPath: string, tile: number): KnnGraph {
  const idx = readU32Npy(`${graphPath}-idx.npy`);
  const dist = readNpyMatrix(`${graphPath}-dist.npy`);
  const [n0, k] = [idx.rows, idx.cols];
  const n = n0 * tile;
  const indices = engine.empty([n, k], 'u32', 'bench.knn.indices') as KnnGraph['indices'];
  const distances = engine.empty([n, k], 'f32', 'bench.knn.distances') as KnnGraph['distances'];
  const [rowsIdx, rowsDist] = [idx.data, dist.data];
  for (let c = 0; c < tile; c++) {
    const shifted = new Uint32Array(n0 * k);
    for (let e = 0; e < n0 * k; e++) shifted[e] = rowsIdx[e] + c * n0;
    indices.write(shifted, c * n0 * k);
    distances.write(rowsDist, c * n0 * k);
  }
  return { indices, distances, k, n };
}

let peer: { n: number; ms: number; cpuMs: number } | null = null;
for (const [xPath, graphPath, tileArg, orderArg] of runs) {
  const tile = Number(tileArg ?? 1);
  const reorder = orderArg === 'input' ? false : orderArg === 'bfs' ? true : 'auto';
  const graph = loadGraph(graphPath, tile);
  const { n, k } = graph;
  const xt = (() => {
    const x = readNpyMatrix(xPath, { limit: n });
    if (x.rows !== n) throw new Error(`${xPath} has ${x.rows} rows, want ${n}`);
    return engine.tensor(x.data, [n, x.cols]);
  })();
  const from = 10;
  const to = Math.floor(iterations * 0.7 / 10) * 10;
  const marks = new Map<number, number>();
  const cpu = new Map<number, number>();
  const t0 = performance.now();
  const tsne = new TSNE(engine, {
    dims, perplexity: k / 3, iterations, exaggerationIterations: Math.floor(iterations / 2), knn: graph, releaseKnn: true, reorder, progressEvery: 10,
    onProgress: async (p) => { if (p.iteration === from || p.iteration === to) { await engine.sync(); marks.set(p.iteration, performance.now()); cpu.set(p.iteration, process.cpuUsage().user + process.cpuUsage().system); } },
  });
  let affinityMs = NaN;
  const origOptimise = (tsne as unknown as { optimise: (...a: unknown[]) => Promise<void> }).optimise.bind(tsne);
  (tsne as unknown as { optimise: (...a: unknown[]) => Promise<void> }).optimise = async (...a: unknown[]) => { affinityMs = performance.now() - t0; return origOptimise(...a); };
  await tsne.fit(xt);
  const totalS = (performance.now() - t0) / 1000;
  const ms = (marks.get(to)! - marks.get(from)!) / (to - from);
  // CPU time of the process (llvmpipe's threads included): the work done, whatever else shares the cores.
  const cpuMs = (cpu.get(to)! - cpu.get(from)!) / 1000 / (to - from);
  const layout = (tsne as unknown as { repulsion: { layout?: { nodes: number } } }).repulsion.layout;
  const p = (tsne as unknown as { p: { nnz: number; order?: Uint32Array; sell: { groups: unknown[] } } }).p;
  peer ??= { n, ms, cpuMs };
  const row = {
    n, k, dims, tile, order: p.order ? 'bfs' : 'input', nnz: p.nnz, 'sell groups': p.sell.groups.length, 'affinities+init s': affinityMs / 1000, 'ms/iteration': ms,
    'vs first': ms / peer.ms, exponent: n === peer.n ? NaN : Math.log(ms / peer.ms) / Math.log(n / peer.n),
    'cpu ms/iteration': cpuMs, 'cpu vs first': cpuMs / peer.cpuMs, 'cpu exponent': n === peer.n ? NaN : Math.log(cpuMs / peer.cpuMs) / Math.log(n / peer.n),
    'grid nodes': layout?.nodes, 'total s': totalS, 'peak RSS GB': process.resourceUsage().maxRSS / 1e6,
  };
  rows.push(row);
  console.log(table([row]));
  tsne.dispose();
  xt.dispose();
}
console.log(table(rows));
const path = writeResult(`tsne-scale-${dims}d`, { machine: machine(), adapter: engine.description, iterations, rows });
console.log(`wrote ${path}`);
engine.dispose();
