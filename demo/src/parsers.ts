import Papa from 'papaparse';
import type { Dataset } from './dataset.js';

/** A user file that cannot be read, with a sentence saying where and why. */
export class FileParseError extends Error {
  override name = 'FileParseError';
}

const NPY_FLOAT_TYPES: Record<string, (v: DataView, o: number) => number> = {
  '<f4': (v, o) => v.getFloat32(o, true), '>f4': (v, o) => v.getFloat32(o, false),
  '<f8': (v, o) => v.getFloat64(o, true), '>f8': (v, o) => v.getFloat64(o, false),
};
const NPY_INT_TYPES: Record<string, (v: DataView, o: number) => number> = {
  '|u1': (v, o) => v.getUint8(o), '|i1': (v, o) => v.getInt8(o),
  '<i4': (v, o) => v.getInt32(o, true), '<u4': (v, o) => v.getUint32(o, true),
  '<i8': (v, o) => Number(v.getBigInt64(o, true)),
};
const BYTES: Record<string, number> = { f4: 4, f8: 8, u1: 1, i1: 1, i4: 4, u4: 4, i8: 8 };

/**
 * Reads a NumPy .npy file (format 1.0–3.0) holding a 2-D float32/float64/integer matrix [n, d],
 * C order. Other dtypes, Fortran order and other ranks are refused with a sentence that says so.
 */
export function parseNpy(buffer: ArrayBuffer, fileName = 'the file'): Dataset {
  const bytes = new Uint8Array(buffer);
  const magic = [0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59];
  if (bytes.length < 10 || magic.some((b, i) => bytes[i] !== b)) {
    throw new FileParseError(`${fileName} is not a NumPy .npy file (it does not start with \\x93NUMPY).`);
  }
  const view = new DataView(buffer);
  const major = bytes[6];
  const headerLen = major === 1 ? view.getUint16(8, true) : view.getUint32(8, true);
  const headerStart = major === 1 ? 10 : 12;
  const header = new TextDecoder().decode(bytes.subarray(headerStart, headerStart + headerLen));
  const descr = /'descr'\s*:\s*'([^']+)'/.exec(header)?.[1];
  const fortran = /'fortran_order'\s*:\s*True/.test(header);
  const shapeText = /'shape'\s*:\s*\(([^)]*)\)/.exec(header)?.[1];
  if (!descr || shapeText === undefined) throw new FileParseError(`${fileName}: the .npy header is damaged (no dtype or shape found).`);
  const read = NPY_FLOAT_TYPES[descr] ?? NPY_INT_TYPES[descr];
  if (!read) {
    throw new FileParseError(`${fileName} has dtype ${descr}; the explorer reads float32 (<f4), float64 (<f8) or integer matrices. ` +
      'Convert it with numpy: a.astype(np.float32).');
  }
  if (fortran) throw new FileParseError(`${fileName} is in Fortran order; save it with np.save(path, np.ascontiguousarray(a)).`);
  const shape = shapeText.split(',').map((s) => s.trim()).filter((s) => s.length > 0).map(Number);
  if (shape.length !== 2) throw new FileParseError(`${fileName} has shape (${shape.join(', ')}); the explorer needs a 2-D matrix [points, features].`);
  const [n, d] = shape;
  if (n < 1 || d < 1) throw new FileParseError(`${fileName} is empty (shape ${n}x${d}).`);
  const itemBytes = BYTES[descr.slice(1)];
  const dataStart = headerStart + headerLen;
  if (buffer.byteLength < dataStart + n * d * itemBytes) {
    throw new FileParseError(`${fileName} is truncated: shape ${n}x${d} needs ${n * d * itemBytes} bytes of data, it has ${buffer.byteLength - dataStart}.`);
  }
  const x = new Float32Array(n * d);
  for (let i = 0; i < n * d; i++) {
    const v = read(view, dataStart + i * itemBytes);
    if (!Number.isFinite(v)) throw new FileParseError(`${fileName}: row ${Math.floor(i / d) + 1}, column ${(i % d) + 1} is ${v}; every value must be finite.`);
    x[i] = v;
  }
  return { name: fileName, x, n, d, classNames: [] };
}

const LABEL_COLUMN = /^(label|labels|class|target|category)$/i;

const DELIMITERS = [',', '\t', ';', '|'];

/**
 * The non-empty records of a delimited text, parsed by Papa Parse (the CLI's reader too): the
 * delimiter sniffed among , tab ; |, quoted cells may hold delimiters and line breaks. Each record
 * keeps the 1-based line it starts on.
 */
function csvRecords(text: string): { cells: string[]; line: number }[] {
  const body = text.replace(/^\uFEFF/, '');
  const sniffed = Papa.parse<string[]>(body.slice(0, 65536), { preview: 10, delimitersToGuess: DELIMITERS, skipEmptyLines: true }).meta.delimiter;
  const delimiter = DELIMITERS.includes(sniffed) ? sniffed : ',';
  const out: { cells: string[]; line: number }[] = [];
  let line = 1;
  for (const cells of Papa.parse<string[]>(body, { delimiter }).data) {
    const at = line;
    for (const c of cells) line += c.split('\n').length - 1;
    line++;
    if (cells.length === 1 && cells[0].trim() === '') continue;
    out.push({ cells: cells.map((c) => c.trim()), line: at });
  }
  return out;
}

/**
 * Reads comma-, semicolon- or tab-separated numbers, one point per line. An optional header line
 * names the columns; a column named label/class/target/category (or a first or last column of
 * mostly non-numbers) becomes the labels. Ragged rows and non-numbers are refused with their line and column.
 */
export function parseCsv(text: string, fileName = 'the file'): Dataset {
  let rows = csvRecords(text);
  if (rows.length === 0) throw new FileParseError(`${fileName} has no data lines.`);
  const isNum = (c: string) => c !== '' && Number.isFinite(Number(c));
  let header: string[] | undefined;
  if (!rows[0].cells.some(isNum) && rows.length > 1) {
    header = rows[0].cells;
    rows = rows.slice(1);
  }
  const width = header?.length ?? rows[0].cells.length;
  for (const r of rows) {
    if (r.cells.length !== width) {
      throw new FileParseError(`${fileName}, line ${r.line}: ${r.cells.length} columns, but ${header ? 'the header has' : 'the first row has'} ${width}.`);
    }
  }
  let labelCol = header ? header.findIndex((h) => LABEL_COLUMN.test(h)) : -1;
  if (labelCol < 0 && width > 1) {
    // A column of mostly words is a label column; a stray word among numbers is a mistake to report.
    const wordy = (col: number) => rows.filter((r) => !isNum(r.cells[col])).length * 2 > rows.length;
    if (wordy(width - 1)) labelCol = width - 1;
    else if (wordy(0)) labelCol = 0;
  }
  // Other columns of mostly words (names, notes, categories) are kept as metadata, not features.
  const textCols = new Set<number>();
  for (let col = 0; col < width; col++) {
    if (col !== labelCol && rows.filter((r) => !isNum(r.cells[col])).length * 2 > rows.length) textCols.add(col);
  }
  const d = width - (labelCol >= 0 ? 1 : 0) - textCols.size;
  if (d < 1) throw new FileParseError(`${fileName} has no feature columns besides the label.`);
  const n = rows.length;
  const x = new Float32Array(n * d);
  const classIndex = new Map<string, number>();
  const labels = labelCol >= 0 ? new Uint32Array(n) : undefined;
  rows.forEach((r, i) => {
    let j = 0;
    r.cells.forEach((c, col) => {
      if (col === labelCol) {
        if (!classIndex.has(c)) classIndex.set(c, classIndex.size);
        labels![i] = classIndex.get(c)!;
        return;
      }
      if (textCols.has(col)) return;
      const v = Number(c);
      if (c === '' || !Number.isFinite(v)) {
        const name = header ? ` ("${header[col]}")` : '';
        throw new FileParseError(`${fileName}, line ${r.line}, column ${col + 1}${name}: "${c}" is not a number.`);
      }
      x[i * d + j++] = v;
    });
  });
  const images = squareImage(d);
  const columns = Array.from({ length: width }, (_, col) => {
    const name = header?.[col] || `column ${col + 1}`;
    if (col === labelCol || textCols.has(col)) return { name, strings: rows.map((r) => r.cells[col]) };
    return { name, numbers: Float32Array.from(rows, (r) => Number(r.cells[col])) };
  });
  const result: Dataset = { name: fileName, x, n, d, labels, classNames: [...classIndex.keys()], columns };
  if (images && x.every((v) => v >= 0 && v <= 255)) {
    const scale = x.some((v) => v > 1) ? 1 : 255;
    result.images = { pixels: Uint8Array.from(x, (v) => Math.round(v * scale)), width: images, height: images };
  }
  return result;
}

/** Side length when d is a square of an image-like size (e.g. 784 = 28²). */
function squareImage(d: number): number | undefined {
  const s = Math.round(Math.sqrt(d));
  return s * s === d && s >= 8 ? s : undefined;
}

/** Chooses the parser from the file name. */
export function parseFile(name: string, buffer: ArrayBuffer): Dataset {
  const lower = name.toLowerCase();
  if (lower.endsWith('.npy')) return parseNpy(buffer, name);
  if (/\.(csv|tsv|txt)$/.test(lower)) return parseCsv(new TextDecoder().decode(buffer), name);
  throw new FileParseError(`${name}: unknown file type; drop a .npy matrix or a .csv/.tsv table.`);
}
