// Per-row metadata: the columns a dropped table brought (or the label alone), categories for
// colouring, regular-expression filters and the CSV export of selected rows. Plain CPU code on
// arrays of n, run once per user action, never per frame.
import type { Column, Dataset } from './dataset.js';

/** The columns shown on hover, searchable and colourable: the table's own, else the label. */
export function metadataColumns(data: Dataset): Column[] {
  if (data.columns?.length) return data.columns;
  if (!data.labels) return [];
  // Built once per data set: recolouring a million labelled points must not rebuild a million strings.
  let cols = labelColumns.get(data);
  if (!cols) {
    cols = [{ name: 'label', strings: Array.from(data.labels, (c) => data.classNames[c] ?? `class ${c}`) }];
    labelColumns.set(data, cols);
  }
  return cols;
}
const labelColumns = new WeakMap<Dataset, Column[]>();

/** Row i's cell of a column as text (numbers with up to 6 significant digits). */
export function cellText(col: Column, i: number): string {
  if (col.strings) return col.strings[i] ?? '';
  const v = col.numbers![i];
  return Number.isInteger(v) ? String(v) : String(Number(v.toPrecision(6)));
}

/**
 * A text column as categories: the `max - 1` commonest values keep their own colour (commonest
 * first), the rest share "other". Ties keep first appearance order, so the result is deterministic.
 */
export function columnCategories(col: Column, n: number, max = 20): { codes: Uint32Array; names: string[] } {
  const counts = new Map<string, number>();
  for (let i = 0; i < n; i++) { const s = cellText(col, i); counts.set(s, (counts.get(s) ?? 0) + 1); }
  const order = [...counts.entries()].sort((a, b) => b[1] - a[1]).map(([s]) => s);
  const kept = order.length <= max ? order : order.slice(0, max - 1);
  const index = new Map(kept.map((s, i) => [s, i]));
  const other = kept.length;
  const codes = new Uint32Array(n);
  for (let i = 0; i < n; i++) codes[i] = index.get(cellText(col, i)) ?? other;
  return { codes, names: order.length > kept.length ? [...kept, 'other'] : kept };
}

/** Parses the filter box: /pattern/flags or a bare pattern (case-insensitive). Throws on bad syntax. */
export function parseFilter(text: string): RegExp | null {
  const t = text.trim();
  if (!t) return null;
  const m = /^\/(.*)\/([a-z]*)$/.exec(t);
  return m ? new RegExp(m[1], m[2]) : new RegExp(t, 'i');
}

/**
 * 1 for rows where `pattern` matches the cell of `column` (or of any column, when `column` is
 * null), else 0.
 */
export function filterMask(data: Dataset, pattern: RegExp, column: string | null): Uint8Array {
  const cols = metadataColumns(data).filter((c) => column === null || c.name === column);
  const mask = new Uint8Array(data.n);
  const re = new RegExp(pattern.source, pattern.flags.replace(/[gy]/g, '')); // no lastIndex state between rows
  for (let i = 0; i < data.n; i++) {
    for (const c of cols) if (re.test(cellText(c, i))) { mask[i] = 1; break; }
  }
  return mask;
}

function csvCell(s: string): string {
  return /[",\n\r]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

/**
 * The selected rows as CSV: id, their map coordinates when given, then every column of the table
 * (or the label and, up to 1,000 of them, the features of an .npy).
 */
export function selectionCsv(data: Dataset, ids: number[], map?: { coords: Float32Array; dims: number }): string {
  const cols = metadataColumns(data);
  const features = !data.columns?.length && data.x && data.d <= 1000 ? data.x : undefined;
  const head = ['id', ...(map ? ['x', 'y', 'z'].slice(0, map.dims) : []), ...cols.map((c) => c.name),
    ...(features ? Array.from({ length: data.d }, (_, j) => `f${j}`) : [])];
  const lines = [head.map(csvCell).join(',')];
  for (const i of ids) {
    const cells = [String(i)];
    if (map) for (let k = 0; k < map.dims; k++) cells.push(String(map.coords[i * map.dims + k]));
    for (const c of cols) cells.push(cellText(c, i));
    if (features) for (let j = 0; j < data.d; j++) cells.push(String(features[i * data.d + j]));
    lines.push(cells.map(csvCell).join(','));
  }
  return `${lines.join('\n')}\n`;
}
