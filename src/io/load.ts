import { closeSync, existsSync, fstatSync, openSync, readSync, statSync } from 'node:fs';
import { basename } from 'node:path';
import type { AsyncBuffer } from 'hyparquet';
import { InvalidInputError } from '../engine/errors.js';
import { arrowHasColumn, readArrow } from './arrow.js';
import { checkFinite, detectFormat, encodeLabels, loadDataset, needsSpool, readLabelsFile, spool, type Dataset, type LoadOptions } from './dataset.js';
import { parquetHasColumn, readParquet, readParquetMetadata, type ColumnarTable } from './parquet.js';

/** A local file as hyparquet's AsyncBuffer: each slice read when asked for, nothing kept. */
function fileBuffer(fd: number): AsyncBuffer {
  const size = fstatSync(fd).size;
  return {
    byteLength: size,
    slice(start: number, end = size): ArrayBuffer {
      const out = new Uint8Array(Math.max(0, Math.min(end, size) - start));
      for (let got = 0; got < out.length;) {
        const n = readSync(fd, out, got, out.length - got, start + got);
        if (n === 0) throw new InvalidInputError(`the file shrank while being read (at byte ${start + got} of ${size}).`);
        got += n;
      }
      return out.buffer;
    },
  };
}

async function readColumnar(path: string, format: 'parquet' | 'arrow', name: string, opts: LoadOptions): Promise<{ table: ColumnarTable; labelsFromFile: boolean }> {
  const common = { ignore: opts.ignoreColumns, limit: opts.limit, dropInvalid: opts.dropInvalid, name, onProgress: opts.onProgress };
  const spec = opts.labels;
  const fileExists = spec !== undefined && existsSync(spec) && statSync(spec).isFile();
  if (format === 'arrow') {
    // A column of that name wins over a file of that name (write ./NAME for the file), as for CSV.
    const column = spec !== undefined && (/[\\/]/.test(spec) && fileExists ? false : await arrowHasColumn(path, name, spec));
    const table = await readArrow(path, { ...common, labels: column ? spec : undefined });
    return { table, labelsFromFile: spec !== undefined && !column };
  }
  const fd = openSync(path, 'r');
  try {
    const file = fileBuffer(fd);
    const metadata = await readParquetMetadata(file, name);
    const column = spec !== undefined && !(/[\\/]/.test(spec) && fileExists) && parquetHasColumn(metadata, spec);
    const table = await readParquet(file, { ...common, labels: column ? spec : undefined }, metadata);
    return { table, labelsFromFile: spec !== undefined && !column };
  } finally {
    closeSync(fd);
  }
}

/**
 * `loadDataset` for every input, including Parquet and Arrow IPC files, whose readers are
 * asynchronous. Their vector column is found as `planColumns` says; their other columns come back
 * as `metadata`; a `--labels` column or file, `--limit` and `--drop-invalid` work as for CSV.
 */
export async function loadDatasetAsync(input: string, opts: LoadOptions = {}): Promise<Dataset> {
  if (needsSpool(input)) {
    const copy = spool(input);
    try {
      // The copy is removed on return, so its rows cannot be left in it (stream: false).
      return await loadDatasetAsync(copy.path, { ...opts, stream: false, name: input === '-' ? 'stdin' : basename(input) });
    } finally {
      copy.remove();
    }
  }
  const format = existsSync(input) && statSync(input).isFile() && statSync(input).size > 0 ? detectFormat(input) : undefined;
  if (format !== 'parquet' && format !== 'arrow') return loadDataset(input, opts);
  if (opts.limit !== undefined && (!Number.isInteger(opts.limit) || opts.limit < 1)) {
    throw new InvalidInputError(`--limit must be a positive integer, got ${opts.limit}.`);
  }
  const name = opts.name ?? basename(input);
  const { table, labelsFromFile } = await readColumnar(input, format, name, opts);
  const ds: Dataset = { name, format, x: table.x, n: table.n, d: table.d, dropped: 0, metadata: table.metadata };
  let labelStrings = table.labels;
  if (labelsFromFile) {
    const spec = opts.labels!;
    if (!existsSync(spec) || !statSync(spec).isFile()) throw new InvalidInputError(`--labels ${spec}: no such column or file.`);
    labelStrings = readLabelsFile(spec, { header: opts.header, rows: ds.n });
    if (labelStrings.length < ds.n || (labelStrings.length > ds.n && opts.limit === undefined)) {
      throw new InvalidInputError(`${basename(spec)} has ${labelStrings.length} labels for ${ds.n} rows of ${name}.`);
    }
    labelStrings = labelStrings.slice(0, ds.n);
  }
  if (labelStrings) Object.assign(ds, encodeLabels(labelStrings));
  if (ds.n === 0 || ds.d === 0) throw new InvalidInputError(`${name} has no data (shape ${ds.n}×${ds.d}).`);
  for (const m of table.notes) opts.onNote?.(m);
  return checkFinite(ds, opts.dropInvalid ?? false);
}
