import { existsSync } from 'node:fs';
import { Option, type Command } from 'commander';
import { InvalidInputError } from '../../engine/errors.js';
import { loadDataset, type Dataset } from '../../io/dataset.js';
import { disposeKnnGraph, knnGraph, knnQuery } from '../../models/knn/index.js';
import { KNN_MAX_K } from '../../kernels/knn_heap_merge.js';
import { addCommonOptions, parseIntOption, RunContext, type CommonOptions, type CliEnv } from '../context.js';
import { emitTable } from '../output.js';
import { checkAllOutputs } from '../preflight.js';
import { encodeNpy } from '../../io/npy.js';
import { writeAtomic } from '../../io/write.js';

interface KnnOptions extends CommonOptions { k: number; query?: string; knn?: 'exact' | 'approx' | 'auto'; method?: 'exact' | 'approx' | 'auto'; distances?: string }

/** `--query 3,17,42` (row numbers of the input) or a file of query vectors. */
function parseQuery(spec: string): { ids?: number[]; file?: string } {
  if (existsSync(spec)) return { file: spec };
  if (!/^\d+(,\d+)*$/.test(spec.replace(/\s/g, ''))) {
    throw new InvalidInputError(`--query ${spec}: no such file, and not a list of row numbers like 3,17,42.`);
  }
  return { ids: spec.replace(/\s/g, '').split(',').map(Number) };
}

/**
 * Positions in the loaded data of the queried input rows. Row numbers are always those of the
 * input file: with --drop-invalid the loaded data has fewer rows, and a dropped row cannot be asked about.
 */
function queryPositions(ids: number[], ds: Dataset): number[] {
  const inputRows = ds.n + ds.dropped;
  const position = new Map<number, number>();
  if (ds.keptRows) ds.keptRows.forEach((row, i) => position.set(row, i));
  return ids.map((id) => {
    if (id >= inputRows) throw new InvalidInputError(`--query: row ${id} is out of range (${ds.name} has ${inputRows} rows, numbered from 0).`);
    const at = ds.keptRows ? position.get(id) : id;
    if (at === undefined) throw new InvalidInputError(`--query: row ${id} of ${ds.name} was skipped by --drop-invalid (NaN, Inf or missing values); ask about another row.`);
    return at;
  });
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
    .option('--query <ids|file>', 'row numbers of the input (0-based, comma-separated, counted before --drop-invalid) or a file of query vectors with the same columns')
    .addOption(new Option('--knn <method>', 'kNN graph method: exact, approx (RP-forest + NN-descent) or auto (approximate above 100,000 rows)').choices(['exact', 'approx', 'auto']))
    .addOption(new Option('--method <method>', 'the same as --knn').choices(['exact', 'approx', 'auto']).hideHelp())
    .option('--distances <file.npy>', 'also write the [rows, k] Euclidean distances, in the order of -o graph.npy\'s indices');
  addCommonOptions(cmd, { plot: false })
    .addHelpText('after', '\nOutput: one line per (query, rank) with the neighbour and its Euclidean distance (.npy: the [queries, k] indices).\n' +
      '\nExamples:\n  latentgpu knn fashion-mnist --limit 5000 --k 10 --query 0,1,2\n  latentgpu knn fm.npy --k 5 -o neighbours.csv\n' +
      '  latentgpu knn big.npy --k 90 -o graph.npy --distances dist.npy   (then: latentgpu tsne big.npy --graph graph.npy)')
    .action(async (input: string, opts: KnnOptions) => {
      const ctx = new RunContext('knn', opts, env);
      try {
        const query = opts.query !== undefined ? parseQuery(opts.query) : undefined;
        if (query?.ids && opts.k >= KNN_MAX_K) {
          // A row query finds the row itself too, so it needs k + 1 neighbours from the search.
          throw new InvalidInputError(`--k ${opts.k} with --query rows: at most ${KNN_MAX_K - 1} neighbours (the search finds ${KNN_MAX_K}, one of them the row itself).`);
        }
        if (opts.distances !== undefined && !/\.npy$/i.test(opts.distances)) {
          throw new InvalidInputError(`--distances ${opts.distances}: the distances are written as an .npy file; name it like dist.npy.`);
        }
        checkAllOutputs(ctx);
        const ds = await ctx.load(input);
        const positions = query?.ids ? queryPositions(query.ids, ds) : undefined;
        if (!query?.file && opts.k > ds.n - 1) {
          throw new InvalidInputError(`--k ${opts.k} neighbours asked for, but ${ds.name} has only ${ds.n - 1} other row${ds.n === 2 ? '' : 's'}.`);
        }
        const x = await ctx.upload(ds.x, ds.n, ds.d, ds.name);
        const engine = await ctx.engine();
        ctx.checkAbort();
        // Row queries ask for one extra neighbour: the row itself, dropped below.
        const k = opts.k;
        // Ctrl-C is checked after every batch of the search, not only once it is done.
        const onProgress = (p: { update(d: number, t?: number): void }) => (d: number, t: number) => { p.update(d, t); ctx.checkAbort(); };
        const graph = await ctx.reporter.stage('knn', async (p) => {
          if (!query) return knnGraph(engine, x, k, { method: opts.knn ?? opts.method ?? 'auto', seed: opts.seed, onProgress: onProgress(p) });
          if (positions) {
            const q = ctx.track(engine.tensor(Float32Array.from(positions.flatMap((i) => Array.from(ds.x.subarray(i * ds.d, (i + 1) * ds.d)))), [positions.length, ds.d]));
            return knnQuery(engine, x, q, k + 1, { onProgress: onProgress(p) });
          }
          const qs = loadDataset(query.file!, {});
          if (qs.d !== ds.d) throw new InvalidInputError(`${qs.name} has ${qs.d} columns but ${ds.name} has ${ds.d}; queries need the same columns.`);
          const q = await ctx.upload(qs.x, qs.n, qs.d, qs.name);
          return knnQuery(engine, x, q, k, { onProgress: onProgress(p) });
        });
        ctx.checkAbort();
        const [idxRaw, distRaw] = await Promise.all([graph.indices.read(), graph.distances.read()]);
        const kk = graph.k;
        disposeKnnGraph(graph);
        const nq = graph.n;
        // Drop each row query's own row (normally first, at distance 0), keep k. Without row queries
        // the lists are already k long: used in place (a 1M × 90 graph is 720 MB per copy).
        const inPlace = !positions && kk === k;
        const indices = inPlace ? idxRaw as Uint32Array : new Uint32Array(nq * k);
        const dist = inPlace ? distRaw as Float32Array : new Float32Array(nq * k);
        if (inPlace) for (let i = 0; i < dist.length; i++) dist[i] = Math.sqrt(Math.max(0, dist[i]));
        for (let q = 0; q < nq && !inPlace; q++) {
          const self = positions?.[q];
          let o = 0;
          for (let j = 0; j < kk && o < k; j++) {
            const i = idxRaw[q * kk + j];
            if (i === self) continue;
            indices[q * k + o] = i;
            dist[q * k + o] = Math.sqrt(Math.max(0, distRaw[q * kk + j]));
            o++;
          }
        }
        // Positions in the loaded data; reported as rows of the input file.
        const queryRows = positions ?? (query ? undefined : Array.from({ length: nq }, (_, i) => i));
        if (ds.labels && queryRows) {
          ctx.summary.metrics = { [`neighbour_label_agreement_${k}`]: neighbourVoteAccuracy(indices, k, ds.labels, queryRows) };
        }
        const inputRow = (i: number) => (ds.keptRows ? ds.keptRows[i] : i);
        const names = ds.labels ? (i: number) => ds.classNames?.[ds.labels![i]] ?? String(ds.labels![i]) : undefined;
        const isNpy = opts.output !== undefined && /\.npy$/i.test(opts.output) && opts.format === undefined;
        if (isNpy) {
          emitTable(ctx, { data: ds.keptRows ? indices.map(inputRow) : indices, rows: nq, cols: k });
        } else {
          const rows = nq * k;
          const data = new Float32Array(rows * 4);
          for (let r = 0; r < rows; r++) {
            const q = Math.floor(r / k);
            data.set([queryRows ? inputRow(queryRows[q]) : q, (r % k) + 1, inputRow(indices[r]), dist[r]], r * 4);
          }
          const extra = names && queryRows
            ? { query_label: Array.from({ length: rows }, (_, r) => names(queryRows[Math.floor(r / k)])), neighbour_label: Array.from(indices, names) }
            : undefined;
          emitTable(ctx, { data, rows, cols: 4, columns: ['query', 'rank', 'neighbour', 'distance'], extra });
        }
        if (opts.distances !== undefined) {
          const bytes = encodeNpy(dist, [nq, k]);
          writeAtomic(opts.distances, (append) => append(bytes), opts.force);
          ctx.summary.outputs = [...((ctx.summary.outputs as string[]) ?? []), opts.distances];
        }
        ctx.summary.result = { queries: nq, k };
        ctx.finish(`knn: ${k} neighbours of ${nq} ${query?.file ? 'query vectors' : 'rows'} among ${ds.n}`);
      } finally {
        ctx.dispose();
      }
    });
}
