import { closeSync, existsSync, openSync, rmSync, statSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { InvalidInputError } from '../engine/errors.js';
import { outputFormat } from '../io/write.js';
import type { RunContext } from './context.js';
import { checkOutputs } from './output.js';

/** One file a run will write, with the option that names it. */
interface PlannedOutput { option: string; path: string }

/** The files `-o`, `--plot`, `--save-model` and `--profile` will create (a projector folder gives its two files). */
function plannedOutputs(ctx: RunContext): PlannedOutput[] {
  const { output, format, plot, saveModel, profile } = ctx.opts;
  const out: PlannedOutput[] = [];
  if (output !== undefined) {
    if (outputFormat(output, format) === 'projector') {
      for (const f of ['tensors.tsv', 'metadata.tsv']) out.push({ option: '-o', path: join(output, f) });
    } else {
      out.push({ option: '-o', path: output });
    }
  }
  if (plot !== undefined) out.push({ option: '--plot', path: plot });
  if (saveModel !== undefined) out.push({ option: '--save-model', path: saveModel });
  if (typeof profile === 'string') out.push({ option: '--profile', path: profile });
  const distances = (ctx.opts as { distances?: string }).distances;
  if (distances !== undefined) out.push({ option: '--distances', path: distances });
  return out;
}

/**
 * Creates and removes a file in `folder`, the only check that also holds for root, read-only
 * mounts and full disks: the run must learn now, not after an hour of training, that it cannot write.
 */
function probeFolder(folder: string, option: string, path: string): void {
  const probe = join(folder, `.latentgpu-probe.${process.pid}.${Math.random().toString(36).slice(2, 8)}`);
  try {
    closeSync(openSync(probe, 'wx'));
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code ?? 'error';
    throw new InvalidInputError(`${option} ${path}: cannot write in ${folder} (${code}); choose a folder you can write to.`);
  } finally {
    rmSync(probe, { force: true });
  }
}

/**
 * Every output checked before any work: an existing file without --force, a missing folder, a
 * "folder" that is a file, a folder this process cannot write to, a projector folder already
 * holding its files, and two outputs given the same path (the second would replace the first).
 */
export function checkAllOutputs(ctx: RunContext): void {
  checkOutputs(ctx);
  const outputs = plannedOutputs(ctx);
  const seen = new Map<string, string>();
  for (const { option, path } of outputs) {
    const key = resolve(path);
    const other = seen.get(key);
    if (other) throw new InvalidInputError(`${other} and ${option} both name ${path}; give each output its own file.`);
    seen.set(key, option);
  }
  const projector = ctx.opts.output !== undefined && outputFormat(ctx.opts.output, ctx.opts.format) === 'projector';
  for (const { option, path } of outputs) {
    const inProjector = projector && option === '-o';
    let folder = dirname(path) || '.';
    if (inProjector) {
      // The run creates the folder: check the nearest one that exists.
      if (existsSync(folder) && !statSync(folder).isDirectory()) {
        throw new InvalidInputError(`-o ${folder} is a file; --format projector writes into a folder.`);
      }
      while (!existsSync(folder) && dirname(folder) !== folder) folder = dirname(folder);
    } else if (!existsSync(folder)) {
      throw new InvalidInputError(`${option} ${path}: the folder ${folder} does not exist; create it first.`);
    }
    if (!statSync(folder).isDirectory()) throw new InvalidInputError(`${option} ${path}: ${folder} is a file, not a folder.`);
    if (existsSync(path)) {
      if (statSync(path).isDirectory()) throw new InvalidInputError(`${option} ${path} is a folder; give a file name.`);
      if (!ctx.opts.force) {
        throw new InvalidInputError(inProjector
          ? `-o ${ctx.opts.output} already holds ${basename(path)}; pass --force to overwrite it, or choose another folder.`
          : `${option} ${path} already exists; pass --force to overwrite it.`);
      }
    }
    probeFolder(folder, option, path);
  }
}
