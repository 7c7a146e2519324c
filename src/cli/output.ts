import { spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { projectRoot } from './commands/bench.js';
import { InvalidInputError } from '../engine/errors.js';
import type { Dataset } from '../io/dataset.js';
import { renderScatter } from '../io/plot.js';
import { assertWritable, outputFormat, STDOUT, writeAtomic, writeTable, type OutputTable } from '../io/write.js';
import type { RunContext } from './context.js';

/**
 * Checks every output before the long work starts: an existing file without --force, a missing
 * folder or an unknown format fail now, not after an hour of t-SNE.
 */
export function checkOutputs(ctx: RunContext): void {
  const { output, plot, force, format } = ctx.opts;
  if (output !== undefined) {
    const f = outputFormat(output, format);
    if (f !== 'projector') assertWritable(output, force);
    if (output === STDOUT && ctx.opts.json) throw new InvalidInputError('--json prints its summary on stdout, so -o - cannot write there too; give -o a file.');
    if (output === STDOUT && f === 'npy' && process.stdout.isTTY) throw new InvalidInputError('-o - with --format npy would print binary data on the terminal; redirect stdout to a file or a pipe.');
  }
  if (plot !== undefined) {
    if (plot === STDOUT && (output === STDOUT || ctx.opts.json)) {
      throw new InvalidInputError('--plot - and the result (or the --json summary) cannot both go to stdout; give -o a file.');
    }
    if (!/\.png$/i.test(plot) && plot !== STDOUT) throw new InvalidInputError(`--plot ${plot}: the plot is a PNG, give a .png name (or - for stdout).`);
    assertWritable(plot, force);
  }
  if (output === undefined && format !== undefined) throw new InvalidInputError('--format needs an output path (-o).');
  if (ctx.opts.open && !explorerAvailable()) {
    throw new InvalidInputError('--open needs the 3D explorer (demo/ and `npm run demo`), which is in the latentgpu repository, ' +
      'not in the installed package; write the result with -o and drop the file onto the explorer page instead.');
  }
}

/** Whether the explorer can be started here: a checkout with demo/ and the script that prepares its data. */
export function explorerAvailable(root = projectRoot()): boolean {
  return existsSync(join(root, 'demo', 'index.html')) && existsSync(join(root, 'scripts', 'prepare-demo-data.mjs'));
}

/**
 * Text columns after the numbers: the label of each row when there are labels, its row in the
 * input when --drop-invalid removed some (so that results can be joined back), and the metadata
 * columns of a Parquet/Arrow input.
 */
export function labelColumn(ds: Dataset): Record<string, ArrayLike<string | number>> | undefined {
  const extra: Record<string, ArrayLike<string | number>> = {};
  if (ds.keptRows) extra.row = ds.keptRows;
  if (ds.labels) {
    const names = ds.classNames ?? [];
    extra.label = Array.from(ds.labels, (l) => names[l] ?? String(l));
  }
  // Parquet/Arrow metadata columns (ids, titles), renamed only if they clash with the two above.
  ds.metadata?.names.forEach((name, i) => { extra[name in extra ? `${name}_` : name] = ds.metadata!.columns[i]; });
  return Object.keys(extra).length ? extra : undefined;
}

/** Writes `-o` (or CSV on stdout when there is neither -o, --plot nor --json) and records the files. */
export function emitTable(ctx: RunContext, table: OutputTable): string[] {
  const { output, format, force, plot, json } = ctx.opts;
  if (output !== undefined && output !== STDOUT) {
    const files = writeTable(output, table, { format, force });
    ctx.summary.outputs = [...((ctx.summary.outputs as string[]) ?? []), ...files];
    return files;
  }
  if (output === STDOUT && format !== undefined && format !== 'csv') {
    writeTable(output, table, { format, force });
    return [];
  }
  if (json && output === undefined) {
    // stdout holds the summary: say that the result itself went nowhere.
    ctx.summary.result_written = false;
    ctx.reporter.event({ event: 'warning', message: 'the result was not written: give -o FILE (stdout carries the --json summary)' });
  }
  if (output === STDOUT || (plot === undefined && !json)) {
    const cols = table.columns ?? Array.from({ length: table.cols }, (_, j) => `dim${j}`);
    const extra = Object.entries(table.extra ?? {});
    const lines = [[...cols, ...extra.map(([k]) => k)].join(',')];
    for (let i = 0; i < table.rows; i++) {
      const cells: string[] = [];
      for (let j = 0; j < table.cols; j++) {
        const v = table.data[i * table.cols + j];
        cells.push(Number.isInteger(v) ? String(v) : String(+v.toPrecision(9)));
      }
      for (const [, v] of extra) cells.push(/[",\n]/.test(String(v[i])) ? `"${String(v[i]).replace(/"/g, '""')}"` : String(v[i]));
      lines.push(cells.join(','));
      if (lines.length >= 4096) { process.stdout.write(lines.join('\n') + '\n'); lines.length = 0; }
    }
    if (lines.length) process.stdout.write(lines.join('\n') + '\n');
  }
  return [];
}

/** Draws `--plot` from an embedding (2-D, or the first three dimensions projected). */
export function emitPlot(ctx: RunContext, emb: Float32Array, n: number, dims: number, ds: Dataset, title: string): void {
  const path = ctx.opts.plot;
  if (path === undefined) return;
  const png = renderScatter(emb, n, dims, { labels: ds.labels, classNames: ds.classNames, title });
  writeAtomic(path, (append) => append(png), ctx.opts.force);
  ctx.summary.outputs = [...((ctx.summary.outputs as string[]) ?? []), path];
}

/**
 * `--open`: the 3D explorer (demo/, `npm run demo`) takes files dropped onto its page. Starts it
 * when the project has the script and says which file to drop; otherwise prints how to.
 */
export async function openExplorer(ctx: RunContext, file: string | undefined): Promise<void> {
  if (!ctx.opts.open) return;
  if (!file) throw new InvalidInputError('--open needs an output file (-o) to show in the explorer.');
  const root = projectRoot();
  const scripts = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')).scripts ?? {};
  const hint = `drop ${resolve(file)} onto the explorer page to see it in 3D.`;
  if (!scripts.demo) {
    process.stderr.write(`latentgpu: the explorer is not set up here (no \`npm run demo\` script); ${hint}\n`);
    return;
  }
  process.stderr.write(`latentgpu: starting the explorer (npm run demo; Ctrl-C stops it): ${hint}\n`);
  await new Promise<void>((done) => {
    const child = spawn('npm', ['run', 'demo'], { cwd: root, stdio: 'inherit' });
    child.on('error', () => { process.stderr.write('latentgpu: could not start `npm run demo`; run it in the project folder.\n'); done(); });
    child.on('exit', () => done());
    ctx.signal.addEventListener('abort', () => child.kill('SIGINT'), { once: true });
  });
}
