/** A data set as the explorer holds it on the CPU: features, optional labels and thumbnails. */
export interface Dataset {
  name: string;
  /** Row-major [n, d] features. Absent for data generated straight on the GPU (synthetic). */
  x?: Float32Array;
  n: number;
  d: number;
  /** Class index per row, or undefined when the data has no labels. */
  labels?: Uint32Array;
  classNames: string[];
  /** Greyscale thumbnails (0..255), [n, width*height], when rows are images. */
  images?: { pixels: Uint8Array; width: number; height: number };
  /** Every column of a dropped table, features and metadata alike, in file order. */
  columns?: Column[];
}

/** One column of a table: numbers (a feature or a numeric field) or text (labels, names, categories). */
export interface Column {
  name: string;
  numbers?: Float32Array;
  strings?: string[];
}

export class DatasetFormatError extends Error {
  override name = 'DatasetFormatError';
}

const MAGIC = 'LGFM';
const HEADER_BYTES = 24;

/** Decodes the file written by scripts/prepare-demo-data.mjs (see `encodeDemoData` there for the layout). */
export function decodeDemoData(buffer: ArrayBuffer, limit?: number): Dataset {
  if (buffer.byteLength < HEADER_BYTES) throw new DatasetFormatError(`The data file is only ${buffer.byteLength} bytes: its header alone is ${HEADER_BYTES}.`);
  const bytes = new Uint8Array(buffer);
  const view = new DataView(buffer);
  const magic = new TextDecoder().decode(bytes.subarray(0, 4));
  if (magic !== MAGIC) throw new DatasetFormatError(`The data file starts with "${magic}", not "${MAGIC}": run \`node scripts/prepare-demo-data.mjs\` again.`);
  const version = view.getUint32(4, true);
  if (version !== 1) throw new DatasetFormatError(`The data file has format version ${version}; this explorer reads version 1.`);
  const total = view.getUint32(8, true);
  const width = view.getUint32(12, true);
  const height = view.getUint32(16, true);
  const nameBytes = view.getUint32(20, true);
  const pixelsPer = width * height;
  const need = HEADER_BYTES + nameBytes + total + total * pixelsPer;
  if (buffer.byteLength < need) throw new DatasetFormatError(`The data file is truncated: ${buffer.byteLength} bytes, its header promises ${need}.`);
  const classNames = JSON.parse(new TextDecoder().decode(bytes.subarray(HEADER_BYTES, HEADER_BYTES + nameBytes))) as string[];
  const n = limit === undefined ? total : Math.max(1, Math.min(total, limit));
  const labelStart = HEADER_BYTES + nameBytes;
  const labels = Uint32Array.from(bytes.subarray(labelStart, labelStart + n));
  const pixels = bytes.slice(labelStart + total, labelStart + total + n * pixelsPer);
  const x = new Float32Array(n * pixelsPer);
  for (let i = 0; i < x.length; i++) x[i] = pixels[i] / 255;
  return { name: 'Fashion-MNIST', x, n, d: pixelsPer, labels, classNames, images: { pixels, width, height } };
}
