import { InvalidInputError } from '../engine/errors.js';

/**
 * What the columnar readers (Parquet, Arrow) share: choosing the vector column(s) from a schema, and
 * a sink that writes decoded column chunks straight into the float32 result row by row.
 */

/** A top-level column as the readers see it. */
export interface ColumnInfo {
  name: string;
  /** `list`: a list of numbers (a vector per row); `number`: a numeric scalar; `text`: strings, dates, booleans, ids. */
  kind: 'list' | 'number' | 'text' | 'other';
  /** 64-bit integers: kept as exact text when they are metadata. */
  int64?: boolean;
  /** A fixed-size list's length, when the schema says it. */
  listSize?: number;
}

/** Metadata columns kept beside the vectors (ids, titles, categories), one value per row. */
export interface DatasetMetadata {
  names: string[];
  columns: (string[] | Float64Array)[];
}

export interface ColumnPlan {
  /** The list column, or the numeric columns that together make the vector. */
  vectors: string[];
  list: boolean;
  label?: string;
  metadata: ColumnInfo[];
  /** Said when the vector takes in numeric columns whose names suggest ids or row numbers. */
  note?: string;
}

const ID_LIKE = /^(id|ids|idx|index|key|row|row_?id|.*_id)$/i;

function resolve(spec: string, columns: ColumnInfo[], name: string, option: string): ColumnInfo | undefined {
  const byName = columns.find((c) => c.name === spec);
  if (byName) return byName;
  if (/^-?\d+$/.test(spec)) {
    const i = Number(spec) < 0 ? columns.length + Number(spec) : Number(spec);
    if (i >= 0 && i < columns.length) return columns[i];
  }
  if (option === '--labels') return undefined;
  throw new InvalidInputError(`${option}: ${name} has no column "${spec}" (columns: ${listNames(columns)}).`);
}

const listNames = (columns: ColumnInfo[]) => columns.slice(0, 12).map((c) => c.name).join(', ') + (columns.length > 12 ? ', …' : '');

/** Whether `spec` names a column (so that `--labels spec` means the column, not a file). */
export function namesColumn(columns: ColumnInfo[], spec: string): boolean {
  return resolve(spec, columns, '', '--labels') !== undefined;
}

/**
 * The vector is the one list-of-numbers column when there is exactly one (after `--labels` and
 * `--ignore`), else every numeric column. Every other column of numbers or text is kept as metadata,
 * including ignored ones (ids are what one joins results back on).
 */
export function planColumns(columns: ColumnInfo[], opts: { labels?: string; ignore?: string[] }, name: string): ColumnPlan {
  const label = opts.labels === undefined ? undefined : resolve(opts.labels, columns, name, '--labels');
  const ignored = new Set((opts.ignore ?? []).map((s) => resolve(s, columns, name, '--ignore')!.name));
  const candidates = columns.filter((c) => c !== label && !ignored.has(c.name));
  const lists = candidates.filter((c) => c.kind === 'list');
  if (lists.length > 1) {
    throw new InvalidInputError(`${name} has ${lists.length} list columns (${lists.map((c) => c.name).join(', ')}); ` +
      `keep one as the vector and leave the others out with --ignore ${lists.slice(1).map((c) => c.name).join(',')}.`);
  }
  const vectors = lists.length === 1 ? lists : candidates.filter((c) => c.kind === 'number');
  if (vectors.length === 0) {
    throw new InvalidInputError(`${name} has no list-of-numbers column and no numeric columns${label ? ' besides the labels' : ''} ` +
      `(columns: ${listNames(columns)}).`);
  }
  const metadata = columns.filter((c) => c !== label && !vectors.includes(c) && (c.kind === 'number' || c.kind === 'text'));
  const ids = lists.length ? [] : vectors.filter((c) => ID_LIKE.test(c.name)).map((c) => c.name);
  const note = ids.length ? `${name}: the vector includes the numeric column${ids.length > 1 ? 's' : ''} ${ids.join(', ')}; if ${ids.length > 1 ? 'they are ids, leave them' : 'it is an id, leave it'} out with --ignore ${ids.join(',')}.` : undefined;
  return { vectors: vectors.map((c) => c.name), list: lists.length === 1, label: label?.name, metadata, note };
}

type Cell = number | bigint | boolean | string | Date | null | undefined | object;

const toNumber = (v: Cell): number => (v === null || v === undefined ? NaN : typeof v === 'number' ? v : Number(v as unknown as number));

function toText(v: Cell): string {
  if (v === null || v === undefined) return '';
  if (v instanceof Date) return v.toISOString();
  if (typeof v === 'object' && !ArrayBuffer.isView(v)) return JSON.stringify(v, (_, x) => (typeof x === 'bigint' ? String(x) : x));
  return String(v);
}

/**
 * Receives column chunks (any order, any row ranges) and writes them into one float32 matrix of
 * `rows` × `d`, so a file is never held twice. A list column's `d` is fixed by its first row (or by
 * the schema); a null list or a list of another length is an error naming the row, or, with
 * `dropInvalid`, becomes a row of NaN that the NaN check then drops and reports.
 */
export class ColumnarSink {
  x: Float32Array;
  d: number;
  readonly labels?: string[];
  readonly metadata: DatasetMetadata;
  /** Rows that were null or ragged lists, turned into NaN rows (with `dropInvalid`). */
  invalid = { nullLists: 0, ragged: 0 };
  private firstListRow = -1;

  constructor(readonly plan: ColumnPlan, readonly rows: number, readonly name: string, readonly dropInvalid: boolean, listSize?: number) {
    this.d = plan.list ? (listSize ?? 0) : plan.vectors.length;
    this.x = new Float32Array(this.d > 0 ? rows * this.d : 0);
    if (plan.label !== undefined) this.labels = new Array<string>(rows).fill('');
    this.metadata = {
      names: plan.metadata.map((c) => c.name),
      columns: plan.metadata.map((c) => (c.kind === 'number' && !c.int64 ? new Float64Array(rows).fill(NaN) : new Array<string>(rows).fill(''))),
    };
  }

  /** Writes rows `rowStart…` of column `column` (rows past `rows` are ignored). */
  put(column: string, rowStart: number, values: ArrayLike<Cell>): void {
    const end = Math.min(this.rows, rowStart + values.length);
    if (this.plan.list && column === this.plan.vectors[0]) {
      for (let r = rowStart; r < end; r++) this.putList(r, values[r - rowStart] as ArrayLike<Cell> | null);
      return;
    }
    const j = this.plan.list ? -1 : this.plan.vectors.indexOf(column);
    if (j >= 0) {
      const { x, d } = this;
      for (let r = rowStart; r < end; r++) x[r * d + j] = toNumber(values[r - rowStart]);
    }
    if (column === this.plan.label) for (let r = rowStart; r < end; r++) this.labels![r] = toText(values[r - rowStart]);
    const m = this.metadata.names.indexOf(column);
    if (m >= 0) {
      const out = this.metadata.columns[m];
      if (out instanceof Float64Array) for (let r = rowStart; r < end; r++) out[r] = toNumber(values[r - rowStart]);
      else for (let r = rowStart; r < end; r++) out[r] = toText(values[r - rowStart]);
    }
  }

  private putList(r: number, list: ArrayLike<Cell> | null | undefined): void {
    if (this.d === 0 && list) {
      // The first list seen fixes the width; only now can the matrix be allocated.
      this.d = list.length;
      this.firstListRow = r;
      if (this.d === 0) throw new InvalidInputError(`${this.name}: column "${this.plan.vectors[0]}" holds an empty list at row ${r} (0-based).`);
      this.x = new Float32Array(this.rows * this.d);
    }
    const { d } = this;
    if (!list || list.length !== d) {
      const what = !list ? 'is null' : `has ${list.length} values, expected ${d}${this.firstListRow >= 0 ? ` like row ${this.firstListRow}` : ''}`;
      if (!this.dropInvalid) {
        throw new InvalidInputError(`${this.name} row ${r} (0-based): the vector column "${this.plan.vectors[0]}" ${what}; pass --drop-invalid to skip such rows.`);
      }
      if (!list) this.invalid.nullLists++; else this.invalid.ragged++;
      if (d > 0) this.x.fill(NaN, r * d, (r + 1) * d);
      else this.pendingNaN.push(r);
      return;
    }
    const x = this.x;
    const o = r * d;
    if (list instanceof Float32Array || list instanceof Float64Array) x.set(list, o);
    else for (let k = 0; k < d; k++) x[o + k] = toNumber(list[k]);
  }

  /** Rows invalid before the width was known, filled once it is. */
  private pendingNaN: number[] = [];

  /** The matrix, once every chunk is in: rows × d. */
  finish(): { x: Float32Array; d: number } {
    if (this.plan.list && this.d === 0) throw new InvalidInputError(`${this.name}: the vector column "${this.plan.vectors[0]}" is null on every row.`);
    for (const r of this.pendingNaN) this.x.fill(NaN, r * this.d, (r + 1) * this.d);
    this.pendingNaN.length = 0;
    return { x: this.x, d: this.d };
  }

  /** A sentence about the rows skipped for their lists, if any. */
  note(): string | undefined {
    const { nullLists, ragged } = this.invalid;
    if (!nullLists && !ragged) return undefined;
    const parts = [nullLists && `${nullLists} with a null vector`, ragged && `${ragged} with a vector of another length than ${this.d}`].filter(Boolean);
    return `${this.name}: skipped ${parts.join(' and ')} (--drop-invalid).`;
  }
}
