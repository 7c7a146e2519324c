import type { Tensor } from '../engine/tensor.js';
import type { Dataset } from '../io/dataset.js';
import { RunContext, type CliEnv, type CommonOptions } from './context.js';
import { emitPlot, emitTable, labelColumn, openExplorer } from './output.js';
import { checkAllOutputs } from './preflight.js';
import { embeddingMetrics, type DataInput } from './stages.js';
import { arrayRows, type RowSource } from '../models/pca/index.js';

const METRIC_NAMES: Record<string, string> = { knn_accuracy_10: '10-NN accuracy', trustworthiness_10: 'trustworthiness' };

/**
 * The shape every reducing command shares: check outputs, load, upload, reduce (`compute`), read the
 * embedding back once, then write -o, --plot, metrics and the summary.
 */
export async function runReduce(command: string, input: string, opts: CommonOptions, env: CliEnv,
  compute: (ctx: RunContext, x: DataInput, ds: Dataset) => Promise<Tensor>): Promise<void> {
  const ctx = new RunContext(command, opts, env);
  try {
    checkAllOutputs(ctx);
    const ds = await ctx.load(input);
    // Data larger than one GPU buffer stays on the host (or in its file) and is streamed to PCA block by block.
    const engine = await ctx.engine();
    const x: DataInput = ds.n * ds.d * 4 > engine.limits.maxBufferSize ? datasetRows(ds) : await ctx.uploadDataset(ds);
    ctx.checkAbort();
    const emb = await compute(ctx, x, ds);
    ctx.checkAbort();
    const host = await emb.read() as Float32Array;
    const dims = emb.cols;
    await embeddingMetrics(ctx, x, emb, ds.labels);
    ctx.checkAbort();
    const files = await ctx.reporter.stage('write', () => {
      const written = emitTable(ctx, { data: host, rows: ds.n, cols: dims, extra: labelColumn(ds) });
      emitPlot(ctx, host, ds.n, dims, ds, `${command} of ${ds.name}`);
      return written;
    });
    ctx.summary.result = { rows: ds.n, dims };
    const metrics = ctx.summary.metrics as Record<string, number> | undefined;
    const quality = metrics ? `; ${Object.entries(metrics).map(([k, v]) => `${METRIC_NAMES[k] ?? k} ${v}`).join(', ')}` : '';
    const outs = (ctx.summary.outputs as string[] | undefined) ?? [];
    ctx.finish(`${command}: ${ds.n}×${ds.d} → ${ds.n}×${dims}${outs.length ? `, wrote ${outs.join(', ')}` : ''}${quality}`);
    await openExplorer(ctx, files[0]);
  } finally {
    ctx.dispose();
  }
}

/** The rows of a dataset block by block: from its file when they are still there, else from memory. */
export function datasetRows(ds: Dataset): RowSource {
  const src = ds.source;
  if (!src) return arrayRows(ds.x, ds.n, ds.d);
  let buffer = new Float32Array(0);
  return {
    rows: ds.n, cols: ds.d,
    read(start, count) {
      if (buffer.length < count * ds.d) buffer = new Float32Array(count * ds.d);
      const out = buffer.subarray(0, count * ds.d);
      src.read(start, count, out);
      return out;
    },
  };
}
