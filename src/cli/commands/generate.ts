import { InvalidArgumentError, type Command } from 'commander';
import { InvalidInputError } from '../../engine/errors.js';
import type { Tensor } from '../../engine/tensor.js';
import { loadDataset, type Dataset } from '../../io/dataset.js';
import { gridLayout, inferImageShape, parseImageShape, renderImageGrid, type ImageShape } from '../../io/image-grid.js';
import { assertWritable, writeAtomic } from '../../io/write.js';
import { VariationalAutoencoder } from '../../models/autoencoder/index.js';
import { addCommonOptions, parseIntOption, RunContext, type CommonOptions, type CliEnv } from '../context.js';
import { checkOutputs, emitTable } from '../output.js';
import { loadModel } from './anomalies.js';

interface GenerateCliOptions extends CommonOptions {
  model?: string; n?: number; decode?: string; interpolate?: [number, number]; steps: number; reconstruct?: string | boolean;
  show?: boolean; rows?: number[]; grid?: string; title?: string; imageShape?: ImageShape; columns?: number;
}

/** Reconstructions drawn in the grid (as original/reconstruction pairs) at most. */
const GRID_PAIRS = 32;

/** `t` evenly spaced points from code a to code b, both included: (1 − f)·a + f·b. */
export function linePoints(a: ArrayLike<number>, b: ArrayLike<number>, steps: number): Float32Array {
  const L = a.length;
  const out = new Float32Array(steps * L);
  for (let s = 0; s < steps; s++) {
    const f = s / (steps - 1);
    for (let j = 0; j < L; j++) out[s * L + j] = (1 - f) * a[j] + f * b[j];
  }
  return out;
}

/** Only the `--rows` of a data set (in the order given), remembering their original numbers in `keptRows`. */
function selectRows(ds: Dataset, rows: number[] | undefined): Dataset {
  if (!rows) return ds;
  const bad = rows.find((r) => r >= ds.n);
  if (bad !== undefined) throw new InvalidInputError(`--rows: row ${bad} is out of range (${ds.name} has ${ds.n} rows, numbered from 0).`);
  const x = new Float32Array(rows.length * ds.d);
  rows.forEach((r, i) => x.set(ds.x.subarray(r * ds.d, (r + 1) * ds.d), i * ds.d));
  const original = (r: number) => (ds.keptRows ? ds.keptRows[r] : r);
  return { ...ds, x, n: rows.length, labels: ds.labels ? Int32Array.from(rows, (r) => ds.labels![r]) : undefined, keptRows: Int32Array.from(rows, original) };
}

/** A caption per row: its label, else its row number in the input. */
function rowCaptions(ds: Dataset): string[] {
  return Array.from({ length: ds.n }, (_, i) => (ds.labels ? (ds.classNames?.[ds.labels[i]] ?? String(ds.labels[i])) : `row ${ds.keptRows ? ds.keptRows[i] : i}`));
}

/** Writes -o (or CSV on stdout) and the --grid picture; reconstructions are drawn beside their originals. */
async function writeRows(ctx: RunContext, opts: GenerateCliOptions, data: Float32Array, rows: number, D: number, ds: Dataset | undefined,
  mode: string, captions?: string[], originals?: Float32Array): Promise<void> {
  await ctx.reporter.stage('write', () => {
    if (opts.output !== undefined || (opts.grid === undefined && !opts.json)) {
      emitTable(ctx, { data, rows, cols: D, columns: Array.from({ length: D }, (_, j) => `x${j}`) });
    }
    if (opts.grid === undefined) return;
    const shape = inferImageShape(D, opts.imageShape ?? (ds?.images ? { ...ds.images, channels: 1 } : undefined));
    let tiles = data;
    let count = rows;
    let columns = opts.columns;
    if (originals) {
      count = Math.min(rows, GRID_PAIRS);
      tiles = new Float32Array(2 * count * D);
      const names = rowCaptions(ds!);
      captions = [];
      for (let i = 0; i < count; i++) {
        tiles.set(originals.subarray(i * D, (i + 1) * D), 2 * i * D);
        tiles.set(data.subarray(i * D, (i + 1) * D), (2 * i + 1) * D);
        captions.push(names[i], 'decoded');
      }
      count *= 2;
      columns ??= Math.min(count, 2 * Math.min(8, Math.ceil(Math.sqrt(count / 2))));
    }
    if (mode === 'interpolate' || mode === 'show') columns ??= Math.min(count, 16);
    const titles: Record<string, string> = {
      n: `${count} samples (seed ${opts.seed})`, interpolate: 'interpolation', decode: 'decoded points', reconstruct: 'reconstructions', show: ds?.name ?? '',
    };
    const gridOpts = { shape, columns, captions, title: opts.title ?? titles[mode] };
    const png = renderImageGrid(tiles, count, gridOpts);
    writeAtomic(opts.grid, (append) => append(png), opts.force);
    const layout = gridLayout(count, gridOpts);
    ctx.summary.grid = { path: opts.grid, tiles: count, columns: layout.columns, image_shape: [shape.height, shape.width, shape.channels] };
    ctx.summary.outputs = [...((ctx.summary.outputs as string[]) ?? []), opts.grid];
  });
}

export function registerGenerate(program: Command, env: CliEnv): void {
  const cmd = program.command('generate')
    .description('Turn a trained VAE (or autoencoder) back into data: samples, decoded latent points, interpolations, reconstructions.')
    .argument('[input]', 'data for --interpolate, --reconstruct and --show: a .npy, .csv, .tsv or IDX file, or fashion-mnist')
    .option('--model <file>', 'a model from `latentgpu vae|ae --save-model` (needed by all but --show)')
    .option('--n <count>', 'draw this many samples from the prior N(0, I) (VAE only; seeded by --seed)', parseIntOption(1, 1_000_000))
    .option('--decode <points>', 'decode latent coordinates: a .npy/.csv/.tsv file with one point per row')
    .option('--interpolate <a,b>', 'decode the straight latent path between input rows a and b (0-based)', (v) => {
      const m = /^(\d+),(\d+)$/.exec(v.replace(/\s/g, ''));
      if (!m) throw new InvalidArgumentError('expected two row numbers, e.g. 0,42.');
      return [Number(m[1]), Number(m[2])];
    })
    .option('--steps <n>', 'points on the interpolation path, both ends included', parseIntOption(2, 10_000), 10)
    .option('--reconstruct [input]', "the model's reconstructions of the input rows (encode, then decode the code)")
    .option('--show', 'no model: the input rows as they are (with --grid: thumbnails, e.g. of neighbours from `latentgpu knn`)')
    .option('--rows <ids>', 'only these input rows (0-based, comma-separated) for --reconstruct and --show', (v) => {
      if (!/^\d+(,\d+)*$/.test(v.replace(/\s/g, ''))) throw new InvalidArgumentError('expected row numbers separated by commas, e.g. 0,17,42.');
      return v.replace(/\s/g, '').split(',').map(Number);
    })
    .option('--grid <png>', 'draw the rows as a grid of images (reconstructions beside their originals)')
    .option('--image-shape <HxW[xC]>', 'image shape of a row, channels last (default: the data set\'s, or square grey / RGB)', parseImageShape)
    .option('--columns <n>', 'tiles per row of the grid', parseIntOption(1, 256))
    .option('--title <text>', 'title drawn above the grid');
  addCommonOptions(cmd, { plot: false })
    .addHelpText('after', '\nOutput: the generated rows (input width), as .npy, .csv or CSV on stdout.\n' +
      'A plain autoencoder has no prior, so it cannot sample (--n); it can decode, interpolate and reconstruct.\n' +
      '\nExamples:\n  latentgpu vae fashion-mnist --limit 10000 --layers 256,16 --epochs 10 --save-model vae.safetensors -o z.npy\n' +
      '  latentgpu generate --model vae.safetensors --n 64 --seed 3 --grid samples.png -o samples.npy\n' +
      '  latentgpu generate fashion-mnist --model vae.safetensors --interpolate 0,1 --steps 10 --grid strip.png\n' +
      '  latentgpu generate --model vae.safetensors --decode z.npy -o decoded.npy\n' +
      '  latentgpu generate fashion-mnist --split test --limit 16 --model vae.safetensors --reconstruct --grid recon.png\n' +
      '  latentgpu generate fashion-mnist --show --rows 0,17,42 --grid garments.png')
    .action(async (input: string | undefined, opts: GenerateCliOptions) => {
      const ctx = new RunContext('generate', opts, env);
      try {
        const modes = (['n', 'decode', 'interpolate', 'reconstruct', 'show'] as const).filter((m) => opts[m] !== undefined);
        if (modes.length !== 1) {
          throw new InvalidInputError(modes.length === 0
            ? 'say what to generate: --n samples, --decode points, --interpolate a,b, --reconstruct or --show.'
            : `give one of --n, --decode, --interpolate, --reconstruct and --show, not ${modes.map((m) => `--${m}`).join(' and ')}.`);
        }
        const mode = modes[0];
        checkOutputs(ctx);
        if (opts.grid !== undefined) {
          if (!/\.png$/i.test(opts.grid)) throw new InvalidInputError(`--grid ${opts.grid}: the grid is a PNG, give a .png name.`);
          assertWritable(opts.grid, opts.force);
        }
        const dataPath = typeof opts.reconstruct === 'string' ? opts.reconstruct : input;
        if (mode !== 'show' && opts.model === undefined) throw new InvalidInputError(`--${mode} needs a trained model: --model FILE from \`latentgpu vae|ae --save-model\`.`);
        if (opts.rows && mode !== 'reconstruct' && mode !== 'show') throw new InvalidInputError('--rows selects input rows for --reconstruct and --show.');
        const usesInput = mode === 'interpolate' || mode === 'reconstruct' || mode === 'show';
        if (usesInput && dataPath === undefined) {
          throw new InvalidInputError(`--${mode} needs input rows: give a data file or fashion-mnist before the options.`);
        }
        let ds: Dataset | undefined;
        if (usesInput) ds = selectRows(await ctx.load(dataPath!), opts.rows);
        if (mode === 'show') {
          ctx.summary.result = { mode, rows: ds!.n, cols: ds!.d };
          await writeRows(ctx, opts, ds!.x, ds!.n, ds!.d, ds, 'show', rowCaptions(ds!));
          ctx.finish(`generate: ${ds!.n} input rows${ctx.summary.outputs ? `, wrote ${(ctx.summary.outputs as string[]).join(', ')}` : ''}`);
          return;
        }
        const engine = await ctx.engine();
        const model = ctx.track(await ctx.reporter.stage('model', () => loadModel(engine, opts.model!)));
        const isVae = model instanceof VariationalAutoencoder;
        ctx.summary.model = { kind: isVae ? 'vae' : 'autoencoder', input_width: model.inputWidth, latent_width: model.latentWidth };
        if (mode === 'n' && !isVae) {
          throw new InvalidInputError(`${opts.model} is a plain autoencoder: it has no prior to sample from; it can --decode, --interpolate and --reconstruct (train a sampler with latentgpu vae).`);
        }
        if (ds) {
          if (ds.d !== model.inputWidth) throw new InvalidInputError(`the model expects rows of ${model.inputWidth} values but ${ds.name} has ${ds.d} columns.`);
        }
        ctx.checkAbort();

        let captions: string[] | undefined;
        let originals: Float32Array | undefined;
        const out = await ctx.reporter.stage('generate', async () => {
          let t: Tensor;
          if (mode === 'n') {
            t = (model as VariationalAutoencoder).sample(opts.n!, opts.seed);
            // Numbered tiles: tile i is row i of -o.
            captions = Array.from({ length: opts.n! }, (_, i) => String(i));
          } else if (mode === 'decode') {
            const pts = loadDataset(opts.decode!, {});
            if (pts.d !== model.latentWidth) {
              throw new InvalidInputError(`${pts.name} has ${pts.d} columns but the model's latent space has ${model.latentWidth} dimensions.`);
            }
            t = model.decode(await ctx.upload(pts.x, pts.n, pts.d, pts.name));
            captions = Array.from({ length: pts.n }, (_, i) => String(i));
          } else if (mode === 'interpolate') {
            const [a, b] = opts.interpolate!;
            const bad = [a, b].find((r) => r >= ds!.n);
            if (bad !== undefined) throw new InvalidInputError(`--interpolate: row ${bad} is out of range (${ds!.name} has ${ds!.n} rows, numbered from 0).`);
            const ends = ctx.track(engine.tensor(Float32Array.from([...ds!.x.subarray(a * ds!.d, (a + 1) * ds!.d), ...ds!.x.subarray(b * ds!.d, (b + 1) * ds!.d)]), [2, ds!.d]));
            const codes = ctx.track(model.encode(ends));
            const z = await codes.read() as Float32Array;
            const L = model.latentWidth;
            const path = ctx.track(engine.tensor(linePoints(z.subarray(0, L), z.subarray(L), opts.steps), [opts.steps, L], { label: 'generate.path' }));
            t = model.decode(path);
            captions = Array.from({ length: opts.steps }, (_, s) => (s === 0 ? `row ${a}` : s === opts.steps - 1 ? `row ${b}` : (s / (opts.steps - 1)).toFixed(2)));
          } else {
            t = model.reconstruct(await ctx.upload(ds!.x, ds!.n, ds!.d, ds!.name));
            originals = ds!.x;
          }
          ctx.track(t);
          return { rows: t.rows, data: await t.read() as Float32Array };
        });
        ctx.checkAbort();

        const D = model.inputWidth;
        await writeRows(ctx, opts, out.data, out.rows, D, ds, mode, captions, originals);
        let finite = 0;
        for (const v of out.data) if (Number.isFinite(v)) finite++;
        ctx.summary.result = { mode: mode === 'n' ? 'sample' : mode, rows: out.rows, cols: D, non_finite: out.data.length - finite };
        const outs = (ctx.summary.outputs as string[] | undefined) ?? [];
        const what = mode === 'n' ? `${out.rows} samples from the prior` : mode === 'decode' ? `${out.rows} decoded points`
          : mode === 'interpolate' ? `a ${out.rows}-step interpolation` : `${out.rows} reconstructions`;
        ctx.finish(`generate: ${what} of ${D} values${outs.length ? `, wrote ${outs.join(', ')}` : ''}`);
      } finally {
        ctx.dispose();
      }
    });
}
