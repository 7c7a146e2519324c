import { encode } from 'fast-png';
import { InvalidInputError } from '../engine/errors.js';
import { drawText, lineHeight, textWidth } from './font.js';

/** Matplotlib's tab10 then the light halves of tab20: distinct on white, familiar from embedding plots. */
export const PALETTE: readonly [number, number, number][] = [
  [31, 119, 180], [255, 127, 14], [44, 160, 44], [214, 39, 40], [148, 103, 189], [140, 86, 75], [227, 119, 194],
  [127, 127, 127], [188, 189, 34], [23, 190, 207], [174, 199, 232], [255, 187, 120], [152, 223, 138], [255, 152, 150],
  [197, 176, 213], [196, 156, 148], [247, 182, 210], [199, 199, 199], [219, 219, 141], [158, 218, 229],
];

export function classColour(i: number): [number, number, number] {
  if (i < PALETTE.length) return PALETTE[i];
  // Beyond 20 classes: golden-angle hues, so neighbours differ.
  const h = (i * 137.508) % 360;
  const f = (n: number) => { const k = (n + h / 30) % 12; return Math.round(255 * (0.5 - 0.4 * Math.max(-1, Math.min(k - 3, 9 - k, 1)))); };
  return [f(0), f(8), f(4)];
}

/** Font sizes in pixels of the title and the legend's class names. */
const TITLE_SIZE = 20;
const LEGEND_SIZE = 14;

export interface ScatterOptions {
  labels?: ArrayLike<number>;
  classNames?: readonly string[];
  width?: number;
  height?: number;
  title?: string;
}

/** 2-D screen coordinates of each point: the 2-D embedding itself, or a fixed oblique view of a 3-D one. */
function project(points: Float32Array, n: number, dims: number): { xy: Float32Array; depth?: Float32Array } {
  const xy = new Float32Array(n * 2);
  if (dims === 2) { xy.set(points.subarray(0, n * 2)); return { xy }; }
  if (dims === 1) { for (let i = 0; i < n; i++) { xy[2 * i] = points[i]; xy[2 * i + 1] = 0; } return { xy }; }
  const depth = new Float32Array(n);
  const yaw = 0.7;
  const pitch = 0.45;
  const [cy, sy, cp, sp] = [Math.cos(yaw), Math.sin(yaw), Math.cos(pitch), Math.sin(pitch)];
  for (let i = 0; i < n; i++) {
    const [x, y, z] = [points[i * dims], points[i * dims + 1], points[i * dims + 2]];
    const x1 = cy * x + sy * z;
    const z1 = -sy * x + cy * z;
    xy[2 * i] = x1;
    xy[2 * i + 1] = cp * y - sp * z1;
    depth[i] = sp * y + cp * z1;
  }
  return { xy, depth };
}

/**
 * Renders a scatter plot of an embedding (2-D, or an oblique projection of the first three
 * dimensions) as an RGB PNG: points coloured by label with a legend of class names, drawn as
 * written (see font.ts). Pure CPU.
 */
export function renderScatter(points: Float32Array, n: number, dims: number, opts: ScatterOptions = {}): Uint8Array {
  if (n < 1 || dims < 1) throw new InvalidInputError('nothing to plot: the embedding is empty.');
  const width = opts.width ?? 960;
  const height = opts.height ?? 760;
  const px = new Uint8Array(width * height * 3).fill(255);
  const labels = opts.labels;
  const nClasses = labels ? Math.max(0, ...Array.from(labels)) + 1 : 0;
  const legend = labels ? Math.min(260, 40 + Math.max(...Array.from({ length: nClasses }, (_, c) => textWidth(opts.classNames?.[c] ?? String(c), LEGEND_SIZE)))) : 0;
  const top = opts.title ? 16 + lineHeight(TITLE_SIZE) : 16;
  const box = { x0: 16, y0: top, x1: width - legend - 16, y1: height - 16 };

  const { xy, depth } = project(points, n, dims);
  let [minX, maxX, minY, maxY] = [Infinity, -Infinity, Infinity, -Infinity];
  for (let i = 0; i < n; i++) {
    const x = xy[2 * i], y = xy[2 * i + 1];
    if (!Number.isFinite(x) || !Number.isFinite(y)) continue;
    minX = Math.min(minX, x); maxX = Math.max(maxX, x); minY = Math.min(minY, y); maxY = Math.max(maxY, y);
  }
  // One scale for both axes, so that distances look the same in both directions.
  const span = Math.max(maxX - minX, maxY - minY, 1e-12);
  const side = Math.min(box.x1 - box.x0, box.y1 - box.y0) - 12;
  const s = side / span;
  const ox = (box.x0 + box.x1) / 2 - ((minX + maxX) / 2) * s;
  const oy = (box.y0 + box.y1) / 2 + ((minY + maxY) / 2) * s;
  const radius = n <= 2000 ? 3 : n <= 20000 ? 2 : 1.4;
  const alpha = n <= 20000 ? 0.8 : 0.6;

  const blend = (x: number, y: number, c: readonly number[], a: number) => {
    if (x < 0 || y < 0 || x >= width || y >= height) return;
    const o = (y * width + x) * 3;
    for (let k = 0; k < 3; k++) px[o + k] = Math.round(px[o + k] * (1 - a) + c[k] * a);
  };
  const ink = (c: readonly number[]) => (x: number, y: number, coverage: number) => blend(x, y, c, coverage);

  // Frame.
  for (let x = box.x0; x <= box.x1; x++) { blend(x, box.y0, [200, 200, 200], 1); blend(x, box.y1, [200, 200, 200], 1); }
  for (let y = box.y0; y <= box.y1; y++) { blend(box.x0, y, [200, 200, 200], 1); blend(box.x1, y, [200, 200, 200], 1); }

  // Draw order: back to front in 3-D, otherwise a fixed shuffle so no class always lies on top.
  const order = Uint32Array.from({ length: n }, (_, i) => i);
  if (depth) order.sort((a, b) => depth[a] - depth[b]);
  else for (let i = n - 1, r = 12345; i > 0; i--) { r = (Math.imul(r, 1103515245) + 12345) >>> 0; const j = r % (i + 1); [order[i], order[j]] = [order[j], order[i]]; }
  // In 3-D, far points are fainter so that depth reads at a glance.
  let [dMin, dMax] = [Infinity, -Infinity];
  if (depth) for (const v of depth) if (Number.isFinite(v)) { dMin = Math.min(dMin, v); dMax = Math.max(dMax, v); }
  const r2 = radius * radius;
  const ri = Math.ceil(radius);
  for (const i of order) {
    const x = xy[2 * i], y = xy[2 * i + 1];
    if (!Number.isFinite(x) || !Number.isFinite(y)) continue;
    const cx = ox + x * s, cy = oy - y * s;
    const c = labels ? classColour(labels[i]) : PALETTE[0];
    const a = depth && dMax > dMin ? alpha * (0.35 + 0.65 * (depth[i] - dMin) / (dMax - dMin)) : alpha;
    for (let dy = -ri; dy <= ri; dy++) {
      for (let dx = -ri; dx <= ri; dx++) {
        const X = Math.round(cx) + dx, Y = Math.round(cy) + dy;
        const d2 = (X - cx) ** 2 + (Y - cy) ** 2;
        if (d2 <= r2) blend(X, Y, c, a);
      }
    }
  }

  if (opts.title) drawText(opts.title, 16, 10, TITLE_SIZE, ink([40, 40, 40]));
  if (labels) {
    const lx = width - legend;
    let ly = top + 4;
    for (let c = 0; c < nClasses && ly < height - 20; c++) {
      const col = classColour(c);
      for (let y = 0; y < 12; y++) for (let x = 0; x < 12; x++) blend(lx + x, ly + y, col, 1);
      drawText(opts.classNames?.[c] ?? String(c), lx + 20, ly + 6 - lineHeight(LEGEND_SIZE) / 2, LEGEND_SIZE, ink([30, 30, 30]));
      ly += 22;
    }
  }
  return encode({ width, height, data: px, channels: 3, depth: 8 });
}
