import { closeSync, openSync, readSync } from 'node:fs';
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
  /** 1-based file line of each data row, for messages about later checks. */
  lines: Int32Array;
}

export interface DelimitedOptions {
  delimiter?: string;
  /** A column name from the header, or a 0-based column index (negative counts from the end). */
  labelColumn?: string;
  /** Columns left out (ids, names, dates), by name or 0-based number. */
  ignoreColumns?: string[];
  limit?: number;
  name?: string;
  onProgress?: (bytesRead: number, totalBytes: number) => void;
  totalBytes?: number;
}

/** Splits one line; double-quoted fields may contain the delimiter and `""` escapes (not line breaks). */
export function splitLine(line: string, delim: string): string[] {
  if (!line.includes('"')) return line.split(delim);
  const out: string[] = [];
  let cur = '';
  let quoted = false;
  for (let i = 0; i < line.length; i++) {
    const c = line[i];
    if (quoted) {
      if (c === '"' && line[i + 1] === '"') { cur += '"'; i++; } else if (c === '"') quoted = false; else cur += c;
    } else if (c === '"') quoted = true;
    else if (c === delim) { out.push(cur); cur = ''; } else cur += c;
  }
  out.push(cur);
  return out;
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

const isNumber = (cell: string) => cell.trim() !== '' && parseCell(cell) !== undefined;

/** Yields the lines of a text file read in 4 MiB chunks, with their 1-based line numbers. */
function* fileLines(path: string, onBytes?: (n: number) => void): Generator<[string, number]> {
  const fd = openSync(path, 'r');
  try {
    const buf = new Uint8Array(4 * 1024 * 1024);
    const decoder = new TextDecoder('utf-8');
    let rest = '';
    let lineNo = 0;
    let total = 0;
    for (;;) {
      const n = readSync(fd, buf, 0, buf.length, null);
      total += n;
      const text = rest + (n > 0 ? decoder.decode(buf.subarray(0, n), { stream: true }) : decoder.decode());
      const parts = text.split('\n');
      rest = n > 0 ? parts.pop()! : '';
      for (const p of parts) yield [p.endsWith('\r') ? p.slice(0, -1) : p, ++lineNo];
      onBytes?.(total);
      if (n === 0) break;
    }
  } finally {
    closeSync(fd);
  }
}

function resolveColumn(spec: string, header: string[] | undefined, width: number, name: string): number {
  if (header) {
    const i = header.findIndex((h) => h.trim() === spec);
    if (i >= 0) return i;
  }
  if (/^-?\d+$/.test(spec)) {
    const i = Number(spec) < 0 ? width + Number(spec) : Number(spec);
    if (i >= 0 && i < width) return i;
    throw new InvalidInputError(`${name} has ${width} columns; --labels ${spec} is out of range (0-based, negative from the end).`);
  }
  throw new InvalidInputError(header
    ? `${name} has no column named "${spec}" (columns: ${header.slice(0, 12).join(', ')}${header.length > 12 ? ', …' : ''}).`
    : `${name} has no header row, so --labels must be a 0-based column number, not "${spec}".`);
}

/**
 * Reads a CSV/TSV file of numbers into float32, line by line (the text is never held whole).
 * The first line is a header when one of its cells is not a number while the cell under it is
 * (or every cell of a single-line file is text). Ragged rows and non-numeric cells are errors that
 * name the line and column.
 */
export function readDelimited(path: string, opts: DelimitedOptions = {}): DelimitedTable {
  const name = opts.name ?? path;
  const delim = opts.delimiter ?? (/\.(tsv|tab)$/i.test(path) ? '\t' : ',');
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

  const addRow = (cells: string[], line: number) => {
    if (cells.length !== width) {
      throw new InvalidInputError(`${name} line ${line} has ${cells.length} column${cells.length === 1 ? '' : 's'}, ` +
        `expected ${width} like the first row.`);
    }
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
        throw new InvalidInputError(`${name} line ${line}, column ${j + 1}${col}: "${cells[j].trim().slice(0, 40)}" is not a number (leave text columns out with --ignore, or name the label column with --labels).`);
      }
      data[o++] = v;
    }
    lines[rows++] = line;
  };

  const decide = (second?: { cells: string[]; line: number }) => {
    const f = first!;
    width = f.cells.length;
    const isHeader = second
      ? f.cells.some((c, j) => !isNumber(c) && second.cells[j] !== undefined && isNumber(second.cells[j]))
      : f.cells.every((c) => !isNumber(c));
    if (isHeader) header = f.cells;
    if (opts.labelColumn !== undefined) labelCol = resolveColumn(opts.labelColumn, header, width, name);
    skipped = new Set((opts.ignoreColumns ?? []).map((c) => resolveColumn(c, header, width, name)));
    skipped.delete(labelCol);
    decided = true;
    if (!isHeader) addRow(f.cells, f.line);
    if (second) addRow(second.cells, second.line);
  };

  for (const [text, line] of fileLines(path, opts.onProgress && ((b) => opts.onProgress!(b, opts.totalBytes ?? 0)))) {
    if (text.trim() === '' || text.startsWith('#')) continue;
    const cells = splitLine(text, delim);
    if (!first) { first = { cells, line }; continue; }
    if (!decided) decide({ cells, line }); else addRow(cells, line);
    if (opts.limit !== undefined && rows >= opts.limit) break;
  }
  if (!first) throw new InvalidInputError(`${name} is empty.`);
  if (!decided) decide();
  if (rows === 0) throw new InvalidInputError(`${name} has a header but no data rows.`);
  if (opts.limit !== undefined && rows > opts.limit) rows = opts.limit;
  const cols = width - skipped.size - (labelCol >= 0 ? 1 : 0);
  if (cols === 0) throw new InvalidInputError(`${name} has no numeric columns besides the labels.`);
  const names = (header ?? Array.from({ length: width }, (_, j) => `c${j}`)).filter((_, j) => j !== labelCol && !skipped.has(j)).map((s) => s.trim());
  return {
    data: data.length === rows * cols ? data : data.slice(0, rows * cols), rows, cols, columns: names,
    hasHeader: header !== undefined, labels: labelCol >= 0 ? labels.slice(0, rows) : undefined, lines: lines.slice(0, rows),
  };
}
