import type { Tensor } from '../engine/tensor.js';
import type { Dataset } from '../io/dataset.js';
import { RunContext, type CliEnv, type CommonOptions } from './context.js';
import { emitPlot, emitTable, labelColumn, openExplorer } from './output.js';
import { checkAllOutputs } from './preflight.js';
import { embeddingMetrics } from './stages.js';

const METRIC_NAMES: Record<string, string> = { knn_accuracy_10: '10-NN accuracy', trustworthiness_10: 'trustworthiness' };

/**
 * The shape every reducing command shares: check outputs, load, upload, reduce (`compute`), read the
 * embedding back once, then write -o, --plot, metrics and the summary.
 */
export async function runReduce(command: string, input: string, opts: CommonOptions, env: CliEnv,
  compute: (ctx: RunContext, x: Tensor, ds: Dataset) => Promise<Tensor>): Promise<void> {
  const ctx = new RunContext(command, opts, env);
  try {
    checkAllOutputs(ctx);
    const ds = await ctx.load(input);
    const x = await ctx.uploadDataset(ds);
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
