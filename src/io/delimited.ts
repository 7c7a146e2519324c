import { closeSync, openSync, readSync } from 'node:fs';
import Papa from 'papaparse';
import { InvalidInputError } from '../engine/errors.js';

/** A numeric table read from CSV/TSV, with the optional label column taken out. */
export interface DelimitedTable {
  data: Float32Array;
  rows: number;
  cols: number;
  /** Names of the numeric columns (from the header, or `c0`, `c1`, …). */
  columns: string[];
  hasHeader: boolean;
  /** The label column's cells, one per row, when one was asked for. */
  labels?: string[];
  /** 1-based file line where each data row starts, for messages about later checks. */
  lines: Int32Array;
  /** The delimiter used (given, or sniffed from the first lines). */
  delimiter: string;
}

export interface DelimitedOptions {
  /** Cell separator; sniffed from the first lines among `,` `\t` `;` `|` when not given. */
  delimiter?: string;
  /** A column name from the header, or a 0-based column index (negative counts from the end). */
  labelColumn?: string;
  /** Columns left out (ids, names, dates), by name or 0-based number. */
  ignoreColumns?: string[];
  /** true: the first row is a header; false: it is data; unset: decided from the cells (see readDelimited). */
  header?: boolean;
  /** Rows whose first cell starts with this text are skipped (off unless given, since labels like `#ff0000` are common). */
  comment?: string;
  limit?: number;
  name?: string;
  onProgress?: (bytesRead: number, totalBytes: number) => void;
  totalBytes?: number;
}

/**
 * Parses one cell. Empty cells and `nan` are missing values (NaN, reported later with their rows);
 * `inf`/`-inf` as NumPy writes them. Anything else that is not a number gives undefined.
 */
export function parseCell(cell: string): number | undefined {
  const s = cell.trim();
  if (s === '') return NaN;
  const v = Number(s);
  if (!Number.isNaN(v)) return v;
  const l = s.toLowerCase();
  if (l === 'nan' || l === '-nan' || l === 'na') return NaN;
  if (l === 'inf' || l === '+inf' || l === 'infinity') return Infinity;
  if (l === '-inf' || l === '-infinity') return -Infinity;
  return undefined;
}

export const isNumberCell = (cell: string) => cell.trim() !== '' && parseCell(cell) !== undefined;

const CHUNK = 4 * 1024 * 1024;
const GUESS = [',', '\t', ';', '|'];

/**
 * Yields the records of a delimited text file, read in 4 MiB chunks and parsed by Papa Parse (RFC 4180:
 * quoted cells may hold delimiters, `""` and line breaks), each with the 1-based line it starts on.
 */
function* fileRecords(path: string, opts: DelimitedOptions, found: (delimiter: string) => void): Generator<[string[], number]> {
  const fd = openSync(path, 'r');
  try {
    const buf = new Uint8Array(CHUNK);
    const decoder = new TextDecoder('utf-8');
    let parser: Papa.Parser | undefined;
    let partial = '';
    let base = 0;
    let line = 1;
    let total = 0;
    for (let done = false; !done;) {
      const n = readSync(fd, buf, 0, buf.length, null);
      total += n;
      done = n === 0;
      let text = partial + (done ? decoder.decode() : decoder.decode(buf.subarray(0, n), { stream: true }));
      if (!parser) {
        if (!done && text.length < 65536) { partial = text; continue; } // enough text to sniff the delimiter
        if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
        const nl = text.indexOf('\n');
        const newline = nl > 0 && text[nl - 1] === '\r' ? '\r\n' : nl < 0 && text.includes('\r') ? '\r' : '\n';
        let delimiter = opts.delimiter;
        if (delimiter === undefined) {
          const sniff = Papa.parse<string[]>(text.slice(0, 65536), { preview: 10, delimitersToGuess: GUESS, newline: newline as '\n', comments: opts.comment ?? false, skipEmptyLines: true });
          delimiter = sniff.meta.delimiter && GUESS.includes(sniff.meta.delimiter) ? sniff.meta.delimiter : ',';
        }
        found(delimiter);
        parser = new Papa.Parser({ delimiter, newline: newline as '\n' });
      }
      const result = parser.parse(text, base, !done) as Papa.ParseResult<string[]>;
      const end = result.meta.cursor - base;
      partial = done ? '' : text.slice(end);
      base = result.meta.cursor;
      for (const cells of result.data) {
        const at = line;
        for (const c of cells) for (let i = c.indexOf('\n'); i >= 0; i = c.indexOf('\n', i + 1)) line++;
        line++;
        yield [cells, at];
      }
      opts.onProgress?.(total, opts.totalBytes ?? 0);
    }
  } finally {
    closeSync(fd);
  }
}

function resolveColumn(spec: string, header: string[] | undefined, width: number, name: string, option: string): number {
  if (header) {
    const i = header.findIndex((h) => h.trim() === spec);
    if (i >= 0) return i;
  }
  if (/^-?\d+$/.test(spec)) {
    const i = Number(spec) < 0 ? width + Number(spec) : Number(spec);
    if (i >= 0 && i < width) return i;
    throw new InvalidInputError(`${name} has ${width} columns; ${option} ${spec} is out of range (0-based, negative from the end).`);
  }
  throw new InvalidInputError(header
    ? `${option}: ${name} has no column named "${spec}" (columns: ${header.slice(0, 12).join(', ')}${header.length > 12 ? ', …' : ''}).`
    : `${name} has no header row, so ${option} must be a 0-based column number, not "${spec}" (pass --header if its first row names the columns).`);
}

/** The largest finite float32. */
const FLOAT32_MAX = 3.4028234663852886e38;

const shown = (d: string) => (d === '\t' ? 'tab' : `"${d}"`);

/**
 * Reads a CSV/TSV file of numbers into float32, chunk by chunk (the text is never
 * held whole). Without `header`, the first row is a header when one of its cells is not a number
 * while the cell under it is (or every cell of a single-row file is text); a header of numbers only
 * (years, ids) needs `header: true`. Ragged rows and non-numeric cells are errors naming the line and column.
 */
export function readDelimited(path: string, opts: DelimitedOptions = {}): DelimitedTable {
  const name = opts.name ?? path;
  if (opts.delimiter === undefined && /\.(tsv|tab)$/i.test(path)) opts = { ...opts, delimiter: '\t' };
  let delim = opts.delimiter ?? ',';
  let header: string[] | undefined;
  let first: { cells: string[]; line: number } | undefined;
  let width = -1;
  let labelCol = -1;
  let skipped = new Set<number>();
  let data = new Float32Array(1 << 16);
  let lines = new Int32Array(1024);
  const labels: string[] = [];
  let rows = 0;
  let decided = false;
  let lastAlwaysEmpty = true;

  const addRow = (cells: string[], line: number) => {
    if (cells.length !== width) {
      throw new InvalidInputError(`${name} line ${line} has ${cells.length} column${cells.length === 1 ? '' : 's'}, ` +
        `expected ${width} like the first row.`);
    }
    if (cells[width - 1].trim() !== '') lastAlwaysEmpty = false;
    const numeric = width - skipped.size - (labelCol >= 0 ? 1 : 0);
    if ((rows + 1) * numeric > data.length) {
      const grown = new Float32Array(Math.max(data.length * 2, (rows + 1) * numeric));
      grown.set(data);
      data = grown;
    }
    if (rows >= lines.length) { const g = new Int32Array(lines.length * 2); g.set(lines); lines = g; }
    let o = rows * numeric;
    for (let j = 0; j < width; j++) {
      if (j === labelCol) { labels.push(cells[j].trim()); continue; }
      if (skipped.has(j)) continue;
      const v = parseCell(cells[j]);
      if (v === undefined) {
        const col = header ? ` ("${header[j].trim()}")` : '';
        const hint = rows === 0 && !header && opts.header === undefined ? ', or pass --header if the first row names the columns' : '';
        throw new InvalidInputError(`${name} line ${line}, column ${j + 1}${col}: "${cells[j].trim().slice(0, 40)}" is not a number (leave text columns out with --ignore, or name the label column with --labels${hint}).`);
      }
      if (Number.isFinite(v) && Math.abs(v) > FLOAT32_MAX) {
        const col = header ? ` ("${header[j].trim()}")` : '';
        throw new InvalidInputError(`${name} line ${line}, column ${j + 1}${col}: ${cells[j].trim().slice(0, 40)} is beyond the float32 range (±3.4e38) that latentgpu computes in; rescale the data.`);
      }
      data[o++] = v;
    }
    lines[rows++] = line;
  };

  const decide = (second?: { cells: string[]; line: number }) => {
    const f = first!;
    width = f.cells.length;
    const isHeader = opts.header ?? (second
      ? f.cells.some((c, j) => !isNumberCell(c) && second.cells[j] !== undefined && isNumberCell(second.cells[j]))
      : f.cells.every((c) => !isNumberCell(c)));
    if (isHeader) header = f.cells;
    if (opts.labelColumn !== undefined) labelCol = resolveColumn(opts.labelColumn, header, width, name, '--labels');
    skipped = new Set((opts.ignoreColumns ?? []).map((c) => resolveColumn(c, header, width, name, '--ignore')));
    skipped.delete(labelCol);
    decided = true;
    if (!isHeader) addRow(f.cells, f.line);
    if (second) addRow(second.cells, second.line);
  };

  const comment = opts.comment;
  for (const [cells, line] of fileRecords(path, opts, (d) => { delim = d; })) {
    if (cells.length === 1 && cells[0].trim() === '') continue;
    if (comment && cells[0].startsWith(comment)) continue;
    if (!first) { first = { cells, line }; continue; }
    if (!decided) decide({ cells, line }); else addRow(cells, line);
    if (opts.limit !== undefined && rows >= opts.limit) break;
  }
  if (!first) throw new InvalidInputError(`${name} is empty.`);
  if (!decided) decide();
  if (rows === 0) throw new InvalidInputError(`${name} has a header but no data rows.`);
  if (opts.limit !== undefined && rows > opts.limit) rows = opts.limit;
  const lastUsed = width - 1 !== labelCol && !skipped.has(width - 1);
  if (lastAlwaysEmpty && width > 1 && lastUsed && (!header || header[width - 1].trim() === '')) {
    throw new InvalidInputError(`${name}: the last column (${width}) is empty on every line, as if each line ended with the delimiter ${shown(delim)}; ` +
      'remove the trailing delimiters, or leave that column out with --ignore -1.');
  }
  const cols = width - skipped.size - (labelCol >= 0 ? 1 : 0);
  if (cols === 0) throw new InvalidInputError(`${name} has no numeric columns besides the labels.`);
  const names = (header ?? Array.from({ length: width }, (_, j) => `c${j}`)).filter((_, j) => j !== labelCol && !skipped.has(j)).map((s) => s.trim());
  return {
    data: data.length === rows * cols ? data : data.slice(0, rows * cols), rows, cols, columns: names, delimiter: delim,
    hasHeader: header !== undefined, labels: labelCol >= 0 ? labels.slice(0, rows) : undefined, lines: lines.slice(0, rows),
  };
}
