import { existsSync } from 'node:fs';
import { Option, type Command } from 'commander';
import { InvalidInputError } from '../../engine/errors.js';
import { loadDataset, type Dataset } from '../../io/dataset.js';
import { disposeKnnGraph, knnGraph, knnQuery } from '../../models/knn/index.js';
import { addCommonOptions, parseIntOption, RunContext, type CommonOptions, type CliEnv } from '../context.js';
import { checkOutputs, emitTable } from '../output.js';

interface KnnOptions extends CommonOptions { k: number; query?: string; method: 'exact' | 'approx' | 'auto' }

/** `--query 3,17,42` (row numbers) or a file of query vectors. */
function parseQuery(spec: string, ds: Dataset): { ids?: number[]; file?: string } {
  if (existsSync(spec)) return { file: spec };
  if (!/^\d+(,\d+)*$/.test(spec.replace(/\s/g, ''))) {
    throw new InvalidInputError(`--query ${spec}: no such file, and not a list of row numbers like 3,17,42.`);
  }
  const ids = spec.replace(/\s/g, '').split(',').map(Number);
  const bad = ids.find((i) => i >= ds.n);
  if (bad !== undefined) throw new InvalidInputError(`--query: row ${bad} is out of range (${ds.name} has ${ds.n} rows, numbered from 0).`);
  return { ids };
}

/** Fraction of rows whose neighbours' majority label is their own label (ties: the nearest wins). */
export function neighbourVoteAccuracy(indices: Uint32Array, k: number, labels: ArrayLike<number>, rows: ArrayLike<number>): number {
  let right = 0;
  for (let q = 0; q < rows.length; q++) {
    const votes = new Map<number, number>();
    let best = -1;
    let bestVotes = 0;
    for (let j = 0; j < k; j++) {
      const l = labels[indices[q * k + j]];
      const v = (votes.get(l) ?? 0) + 1;
      votes.set(l, v);
      if (v > bestVotes) { bestVotes = v; best = l; }
    }
    if (best === labels[rows[q]]) right++;
  }
  return right / Math.max(1, rows.length);
}

export function registerKnn(program: Command, env: CliEnv): void {
  const cmd = program.command('knn')
    .description('Nearest neighbours of every row (or of some rows / query vectors): similar items, recommendations.')
    .argument('<input>', 'a .npy, .csv, .tsv or IDX file, - for stdin, or fashion-mnist (an embedding written by latentgpu works too)')
    .option('-k, --k <n>', 'neighbours per item', parseIntOption(1, 128), 10)
    .option('--query <ids|file>', 'row numbers (0-based, comma-separated) or a file of query vectors with the same columns')
    .addOption(new Option('--method <method>', 'kNN graph method (auto: approximate above 100,000 rows)').choices(['exact', 'approx', 'auto']).default('auto'));
  addCommonOptions(cmd, { plot: false })
    .addHelpText('after', '\nOutput: one line per (query, rank) with the neighbour and its Euclidean distance (.npy: the [queries, k] indices).\n' +
      '\nExamples:\n  latentgpu knn fashion-mnist --limit 5000 --k 10 --query 0,1,2\n  latentgpu knn fm.npy --k 5 -o neighbours.csv')
    .action(async (input: string, opts: KnnOptions) => {
      const ctx = new RunContext('knn', opts, env);
      try {
        checkOutputs(ctx);
        const ds = await ctx.load(input);
        const query = opts.query !== undefined ? parseQuery(opts.query, ds) : undefined;
        if (!query?.file && opts.k > ds.n - 1) {
          throw new InvalidInputError(`--k ${opts.k} neighbours asked for, but ${ds.name} has only ${ds.n - 1} other row${ds.n === 2 ? '' : 's'}.`);
        }
        const x = await ctx.upload(ds.x, ds.n, ds.d, ds.name);
        const engine = await ctx.engine();
        ctx.checkAbort();
        // Row queries ask for one extra neighbour: the row itself, dropped below.
        const k = opts.k;
        const graph = await ctx.reporter.stage('knn', async (p) => {
          if (!query) return knnGraph(engine, x, k, { method: opts.method, seed: opts.seed, onProgress: (d, t) => p.update(d, t) });
          if (query.ids) {
            const q = ctx.track(engine.tensor(Float32Array.from(query.ids.flatMap((i) => Array.from(ds.x.subarray(i * ds.d, (i + 1) * ds.d)))), [query.ids.length, ds.d]));
            return knnQuery(engine, x, q, k + 1, { onProgress: (d, t) => p.update(d, t) });
          }
          const qs = loadDataset(query.file!, {});
          if (qs.d !== ds.d) throw new InvalidInputError(`${qs.name} has ${qs.d} columns but ${ds.name} has ${ds.d}; queries need the same columns.`);
          const q = await ctx.upload(qs.x, qs.n, qs.d, qs.name);
          return knnQuery(engine, x, q, k, { onProgress: (d, t) => p.update(d, t) });
        });
        const [idxRaw, distRaw] = await Promise.all([graph.indices.read(), graph.distances.read()]);
        const kk = graph.k;
        disposeKnnGraph(graph);
        const nq = graph.n;
        // Drop each row query's own row (normally first, at distance 0), keep k.
        const indices = new Uint32Array(nq * k);
        const dist = new Float32Array(nq * k);
        for (let q = 0; q < nq; q++) {
          const self = query?.ids?.[q];
          let o = 0;
          for (let j = 0; j < kk && o < k; j++) {
            const i = idxRaw[q * kk + j];
            if (i === self) continue;
            indices[q * k + o] = i;
            dist[q * k + o] = Math.sqrt(Math.max(0, distRaw[q * kk + j]));
            o++;
          }
        }
        const queryRows = query?.ids ?? (query ? undefined : Array.from({ length: nq }, (_, i) => i));
        if (ds.labels && queryRows) {
          ctx.summary.metrics = { [`neighbour_label_agreement_${k}`]: neighbourVoteAccuracy(indices, k, ds.labels, queryRows) };
        }
        const names = ds.labels ? (i: number) => ds.classNames?.[ds.labels![i]] ?? String(ds.labels![i]) : undefined;
        const isNpy = opts.output !== undefined && /\.npy$/i.test(opts.output) && opts.format === undefined;
        if (isNpy) {
          emitTable(ctx, { data: indices, rows: nq, cols: k });
        } else {
          const rows = nq * k;
          const data = new Float32Array(rows * 4);
          for (let r = 0; r < rows; r++) {
            const q = Math.floor(r / k);
            data.set([queryRows ? queryRows[q] : q, (r % k) + 1, indices[r], dist[r]], r * 4);
          }
          const extra = names && queryRows
            ? { query_label: Array.from({ length: rows }, (_, r) => names(queryRows[Math.floor(r / k)])), neighbour_label: Array.from(indices, names) }
            : undefined;
          emitTable(ctx, { data, rows, cols: 4, columns: ['query', 'rank', 'neighbour', 'distance'], extra });
        }
        ctx.summary.result = { queries: nq, k };
        ctx.finish(`knn: ${k} neighbours of ${nq} ${query?.file ? 'query vectors' : 'rows'} among ${ds.n}`);
      } finally {
        ctx.dispose();
      }
    });
}
