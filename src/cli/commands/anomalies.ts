import { existsSync, readFileSync, statSync } from 'node:fs';
import type { Command } from 'commander';
import { InvalidInputError, LatentGpuError } from '../../engine/errors.js';
import { Autoencoder, VariationalAutoencoder } from '../../models/autoencoder/index.js';
import { addCommonOptions, parseIntList, parseIntOption, RunContext, type CommonOptions, type CliEnv } from '../context.js';
import { emitTable } from '../output.js';
import { checkAllOutputs } from '../preflight.js';
import { trainAutoencoder } from '../stages.js';
import type { Engine } from '../../engine/engine.js';

interface AnomaliesCliOptions extends CommonOptions {
  model?: string; top: number; layers?: number[]; epochs: number; batchSize: number; saveModel?: string;
}

function checkModelPath(path: string): void {
  if (!existsSync(path)) throw new InvalidInputError(`--model ${path}: no such file.`);
  if (statSync(path).isDirectory()) throw new InvalidInputError(`--model ${path} is a folder; give the model file written by --save-model.`);
}

/** Loads a model written by `latentgpu ae|vae --save-model` (either kind). */
export async function loadModel(engine: Engine, path: string): Promise<Autoencoder | VariationalAutoencoder> {
  checkModelPath(path);
  const bytes = new Uint8Array(readFileSync(path));
  try {
    return await Autoencoder.load(engine, bytes);
  } catch (e) {
    if (e instanceof LatentGpuError && /holds a vae/.test(e.message)) return VariationalAutoencoder.load(engine, bytes);
    if (e instanceof LatentGpuError) throw new InvalidInputError(`--model ${path}: ${e.message}`);
    throw new InvalidInputError(`--model ${path} is not a model written by latentgpu (${(e as Error).message}).`);
  }
}

export function registerAnomalies(program: Command, env: CliEnv): void {
  const cmd = program.command('anomalies')
    .description('Rank rows by autoencoder reconstruction error: the rows the model finds least typical come first.')
    .argument('<input>', 'a .npy, .csv, .tsv or IDX file, - for stdin, or fashion-mnist')
    .option('--model <file>', 'a model from `latentgpu ae --save-model` (without it, one is trained on the input)')
    .option('--top <n>', 'rows listed on stdout', parseIntOption(1), 20)
    .option('--layers <widths>', 'encoder widths when training, e.g. 256,32', parseIntList)
    .option('--epochs <n>', 'training epochs when no --model is given', parseIntOption(1), 10)
    .option('--batch-size <n>', 'training minibatch', parseIntOption(1), 256)
    .option('--save-model <file>', 'keep the model trained here');
  addCommonOptions(cmd, { plot: false })
    .addHelpText('after', '\nOutput: rank, row (0-based in the input), score (mean squared reconstruction error) and label;\n' +
      'stdout shows the --top rows, -o gets every row, most anomalous first.\n' +
      '\nExamples:\n  latentgpu ae fashion-mnist --layers 256,32 --epochs 10 --save-model ae.safetensors -o codes.npy\n' +
      '  latentgpu anomalies fashion-mnist --split test --model ae.safetensors --top 20')
    .action(async (input: string, opts: AnomaliesCliOptions) => {
      const ctx = new RunContext('anomalies', opts, env);
      try {
        if (opts.model !== undefined) checkModelPath(opts.model);
        checkAllOutputs(ctx);
        const ds = await ctx.load(input);
        const x = await ctx.upload(ds.x, ds.n, ds.d, ds.name);
        const engine = await ctx.engine();
        const model = opts.model
          ? ctx.track(await ctx.reporter.stage('model', () => loadModel(engine, opts.model!)))
          : await trainAutoencoder(ctx, x, ds.x, {
            variational: false, layers: opts.layers ?? [Math.min(256, ds.d), Math.min(32, ds.d)], epochs: opts.epochs,
            batchSize: opts.batchSize, seed: opts.seed, saveModel: opts.saveModel, force: opts.force,
          });
        if (model.inputWidth !== ds.d) {
          throw new InvalidInputError(`the model expects rows of ${model.inputWidth} values but ${ds.name} has ${ds.d} columns.`);
        }
        ctx.checkAbort();
        const scores = await ctx.reporter.stage('score', async () => {
          const t = model.reconstructionError(x);
          try { return await t.read() as Float32Array; } finally { t.dispose(); }
        });
        ctx.checkAbort();
        const order = Uint32Array.from({ length: ds.n }, (_, i) => i).sort((a, b) => scores[b] - scores[a] || a - b);
        const row = (i: number) => (ds.keptRows ? ds.keptRows[i] : i);
        const table = (count: number) => {
          const data = new Float32Array(count * 3);
          for (let r = 0; r < count; r++) data.set([r + 1, row(order[r]), scores[order[r]]], r * 3);
          const extra = ds.labels ? { label: Array.from(order.subarray(0, count), (i) => ds.classNames?.[ds.labels![i]] ?? String(ds.labels![i])) } : undefined;
          return { data, rows: count, cols: 3, columns: ['rank', 'row', 'score'], extra };
        };
        if (opts.output) emitTable(ctx, table(ds.n));
        else if (!opts.json) emitTable(ctx, table(Math.min(opts.top, ds.n)));
        const top = Array.from(order.subarray(0, Math.min(opts.top, ds.n)), (i) => ({ row: row(i), score: scores[i] }));
        let mean = 0;
        for (const s of scores) mean += s / ds.n;
        ctx.summary.result = { rows: ds.n, mean_score: mean, top };
        ctx.finish(`anomalies: ${ds.n} rows scored; mean reconstruction error ${mean.toPrecision(4)}, highest ${scores[order[0]].toPrecision(4)} (row ${row(order[0])})`);
      } finally {
        ctx.dispose();
      }
    });
}
