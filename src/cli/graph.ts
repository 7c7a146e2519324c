import { existsSync } from 'node:fs';
import { Option, type Command } from 'commander';
import { InvalidInputError } from '../engine/errors.js';
import type { Engine } from '../engine/engine.js';
import type { Tensor } from '../engine/tensor.js';
import type { Dataset } from '../io/dataset.js';
import { readGraphFile, type GraphFile } from '../io/graph.js';
import { AUTO_APPROX_ABOVE, knnGraph, type KnnGraph } from '../models/knn/index.js';
import { graphFromLists } from '../models/knn/given.js';
import type { RunContext } from './context.js';
import { totalmem } from 'node:os';
import type { ScalePlan } from '../models/tsne/plan.js';

export type KnnChoice = 'exact' | 'approx' | 'auto';

export interface GraphCliOptions { knn: KnnChoice; graph?: string }

/** `--knn exact|approx|auto` and `--graph FILE`, on every command that builds a kNN graph. */
export function addGraphOptions(cmd: Command): Command {
  return cmd
    .addOption(new Option('--knn <method>', `how the kNN graph is built: exact (brute force), approx (RP-forest + NN-descent), ` +
      `auto (approx above ${AUTO_APPROX_ABOVE.toLocaleString('en')} rows)`).choices(['exact', 'approx', 'auto']).default('auto'))
    .option('--graph <file.npy>', 'use this kNN graph instead of building one: neighbour indices [rows, k] (int32/int64, -1 = none), ' +
      'one row per input row, e.g. written by latentgpu knn -o graph.npy; distances are recomputed from the data');
}

/**
 * Reads and checks a `--graph` file against the loaded data before any long stage runs:
 * one row per data row and at least `k` neighbours per row.
 */
export function readGivenGraph(opts: GraphCliOptions, ds: Dataset, k: number, need: string): GraphFile | undefined {
  if (opts.graph === undefined) return undefined;
  if (!existsSync(opts.graph)) throw new InvalidInputError(`--graph ${opts.graph}: no such file.`);
  const g = readGraphFile(opts.graph);
  if (ds.dropped) {
    throw new InvalidInputError(`--graph cannot be used with rows skipped by --drop-invalid (${ds.dropped} skipped): ` +
      'the graph numbers the rows of the whole input. Clean the input or build the graph here.');
  }
  if (g.rows !== ds.n) {
    throw new InvalidInputError(`--graph ${opts.graph} has ${g.rows} rows but ${ds.name} has ${ds.n}${ds.n < g.rows ? ' (after --limit?)' : ''}; ` +
      'the graph needs one row per data row, in the same order.');
  }
  if (g.k < k) throw new InvalidInputError(`--graph ${opts.graph} lists ${g.k} neighbours per row; ${need} needs ${k}.`);
  return g;
}

/**
 * The kNN graph of `points` as a timed stage: from the given file (distances measured on `points`,
 * the space the method works in) or built on the GPU with the chosen method.
 */
export async function graphStage(ctx: RunContext, engine: Engine, points: Tensor, k: number, opts: GraphCliOptions,
  given: GraphFile | undefined, seed: number): Promise<KnnGraph> {
  const method = opts.knn ?? 'auto';
  const graph = await ctx.reporter.stage('knn', async (p) => {
    if (given) {
      const x = await points.read() as Float32Array;
      const g = graphFromLists(engine, x, points.rows, points.cols, given.indices, given.k, k, `--graph ${opts.graph}`);
      p.update(1, 1);
      return g;
    }
    return knnGraph(engine, points, k, { method, seed, onProgress: (d, t) => { p.update(d, t); ctx.checkAbort(); } });
  });
  ctx.summary.knn = {
    k, method: given ? 'given' : method === 'auto' ? (points.rows > AUTO_APPROX_ABOVE ? 'approx' : 'exact') : method,
    ...(given ? { graph: opts.graph, graph_k: given.k } : {}),
  };
  return graph;
}

/**
 * Checks a method's memory plan before any long stage and records it in the summary. On a software
 * adapter the GPU's buffers are host memory, so the plan must also fit 90% of the machine's RAM.
 */
export function applyPlan(ctx: RunContext, engine: Engine, plan: (budget?: number) => ScalePlan): ScalePlan {
  const p = plan(engine.isSoftware ? Math.floor(totalmem() * 0.9) : undefined);
  ctx.summary.plan = {
    peak_gpu_bytes: p.peakGpuBytes, peak_host_bytes: p.peakHostBytes,
    stages: Object.fromEntries(p.stages.map((s) => [s.stage, { gpu_bytes: s.gpuBytes, host_bytes: s.hostBytes, splits: s.splits }])),
  };
  return p;
}
