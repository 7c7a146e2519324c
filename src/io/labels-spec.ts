import { closeSync, openSync, readSync } from 'node:fs';

/**
 * Whether `spec` (a --labels value) names a column of the CSV/TSV header of `path`. A column that
 * exists wins over a file of the same name in the current folder (write `./NAME` for the file):
 * otherwise `--labels class` would silently read a stray file called `class` and keep the label
 * column as a feature.
 */
export function headerNamesColumn(path: string, spec: string): boolean {
  if (/[\\/]/.test(spec)) return false;
  const head = new Uint8Array(64 * 1024);
  const fd = openSync(path, 'r');
  let got: number;
  try { got = readSync(fd, head, 0, head.length, 0); } finally { closeSync(fd); }
  const first = new TextDecoder().decode(head.subarray(0, got)).replace(/^\uFEFF/, '').split(/\r?\n/)[0] ?? '';
  // Any of the delimiters the reader sniffs: a name that is one cell of the header under one of them.
  return first.split(/[,;\t|]/).some((cell) => cell.trim().replace(/^"(.*)"$/, '$1').trim() === spec.trim());
}
