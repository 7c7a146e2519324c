import { encode } from 'fast-png';
import { InvalidInputError } from '../engine/errors.js';
import { drawText, lineHeight, textWidth } from './font.js';

/** How a row of values is an image: height × width × channels, channels last (1 grey, 3 RGB, 4 RGBA). */
export interface ImageShape { height: number; width: number; channels: 1 | 3 | 4 }

/** Parses `--image-shape` values like 28x28 or 32x32x3. */
export function parseImageShape(spec: string): ImageShape {
  const m = /^(\d+)[x×](\d+)(?:[x×]([134]))?$/i.exec(spec.trim());
  if (!m || Number(m[1]) < 1 || Number(m[2]) < 1) throw new InvalidInputError(`--image-shape ${spec}: expected HxW or HxWxC with C 1, 3 or 4, e.g. 28x28 or 32x32x3.`);
  return { height: Number(m[1]), width: Number(m[2]), channels: (m[3] ? Number(m[3]) : 1) as 1 | 3 | 4 };
}

/**
 * The image shape of rows `d` values wide: the given one (checked), else a square grey image
 * (784 → 28×28), else a square RGB one (3072 → 32×32×3).
 */
export function inferImageShape(d: number, given?: ImageShape): ImageShape {
  if (given) {
    const size = given.height * given.width * given.channels;
    if (size !== d) throw new InvalidInputError(`--image-shape ${given.height}x${given.width}x${given.channels} holds ${size} values but the rows have ${d}.`);
    return given;
  }
  for (const channels of [1, 3] as const) {
    const side = Math.round(Math.sqrt(d / channels));
    if (side * side * channels === d) return { height: side, width: side, channels };
  }
  throw new InvalidInputError(`rows of ${d} values are not a square image; give their shape with --image-shape HxW[xC].`);
}

export interface GridOptions {
  shape: ImageShape;
  /** Tiles per row (default: a near-square grid, at most 16). */
  columns?: number;
  /** Text under each tile. */
  captions?: readonly string[];
  title?: string;
  /** Screen pixels per image pixel (default: tiles at least 56 pixels wide). */
  scale?: number;
}

/** Where everything goes: tile (i) has its top-left corner at `tileOrigin(i)`, `tileWidth × tileHeight` pixels. */
export interface GridLayout {
  width: number;
  height: number;
  columns: number;
  scale: number;
  tileWidth: number;
  tileHeight: number;
  tileOrigin(i: number): [number, number];
}

const GAP = 6;
const MARGIN = 12;
/** Title font size in pixels. */
const TITLE_SIZE = 16;

export function gridLayout(n: number, opts: GridOptions): GridLayout {
  const { height: h, width: w } = opts.shape;
  const scale = opts.scale ?? Math.max(1, Math.ceil(56 / Math.max(h, w)));
  const columns = Math.max(1, Math.min(n, opts.columns ?? Math.min(16, Math.ceil(Math.sqrt(n)))));
  const rows = Math.ceil(n / columns);
  const tileWidth = w * scale;
  const tileHeight = h * scale;
  const captionHeight = opts.captions ? lineHeight(captionSize(tileWidth)) + 4 : 0;
  const top = opts.title ? MARGIN + lineHeight(TITLE_SIZE) + 8 : MARGIN;
  const cellW = tileWidth + GAP;
  const cellH = tileHeight + captionHeight + GAP;
  const titleWidth = opts.title ? textWidth(opts.title, TITLE_SIZE) + 2 * MARGIN : 0;
  return {
    width: Math.max(2 * MARGIN + columns * cellW - GAP, titleWidth), height: top + rows * cellH - GAP + MARGIN,
    columns, scale, tileWidth, tileHeight,
    tileOrigin: (i) => [MARGIN + (i % columns) * cellW, top + Math.floor(i / columns) * cellH],
  };
}

/** Caption font size in pixels for a tile this wide. */
function captionSize(tileWidth: number): number {
  return tileWidth >= 80 ? 13 : 10;
}

/**
 * Draws rows as a grid of images with optional captions, as a PNG. Values in [0, 1] map to 0..255
 * (clamped); rows with values outside [0, 1] are stretched from their common minimum to maximum.
 */
export function renderImageGrid(rows: Float32Array, n: number, opts: GridOptions): Uint8Array {
  const { height: h, width: w, channels: c } = opts.shape;
  const d = h * w * c;
  if (n < 1) throw new InvalidInputError('nothing to draw: no rows.');
  if (rows.length < n * d) throw new InvalidInputError(`the grid needs ${n} rows of ${d} values, got ${rows.length} values.`);
  let lo = Infinity;
  let hi = -Infinity;
  for (let i = 0; i < n * d; i++) if (Number.isFinite(rows[i])) { lo = Math.min(lo, rows[i]); hi = Math.max(hi, rows[i]); }
  const unit = lo >= 0 && hi <= 1;
  const [offset, span] = unit ? [0, 1] : [lo, Math.max(hi - lo, 1e-12)];
  const byte = (v: number) => (Number.isFinite(v) ? Math.round(255 * Math.min(1, Math.max(0, (v - offset) / span))) : 0);

  const layout = gridLayout(n, opts);
  const { width, height, scale } = layout;
  const px = new Uint8Array(width * height * 4).fill(255);
  const put = (x: number, y: number, r: number, g: number, b: number) => {
    if (x < 0 || y < 0 || x >= width || y >= height) return;
    const o = (y * width + x) * 4;
    px[o] = r; px[o + 1] = g; px[o + 2] = b; px[o + 3] = 255;
  };
  const ink = (x: number, y: number, coverage: number) => {
    const v = Math.round(255 - coverage * (255 - 40));
    put(x, y, v, v, v);
  };
  for (let t = 0; t < n; t++) {
    const [x0, y0] = layout.tileOrigin(t);
    for (let y = 0; y < h; y++) {
      for (let x = 0; x < w; x++) {
        const o = t * d + (y * w + x) * c;
        const v = c === 1 ? [byte(rows[o]), byte(rows[o]), byte(rows[o])] : [byte(rows[o]), byte(rows[o + 1]), byte(rows[o + 2])];
        for (let dy = 0; dy < scale; dy++) for (let dx = 0; dx < scale; dx++) put(x0 + x * scale + dx, y0 + y * scale + dy, v[0], v[1], v[2]);
      }
    }
    const caption = opts.captions?.[t];
    if (caption) {
      const s = captionSize(layout.tileWidth);
      let text = caption;
      while (text.length > 1 && textWidth(text, s) > layout.tileWidth) text = text.slice(0, -1);
      drawText(text, x0 + Math.floor((layout.tileWidth - textWidth(text, s)) / 2), y0 + layout.tileHeight + 3, s, ink);
    }
  }
  if (opts.title) drawText(opts.title, MARGIN, MARGIN, TITLE_SIZE, ink);
  return encodePng(px, width, height);
}

/** RGBA bytes → PNG file bytes: the one place here that knows the PNG encoder. */
export function encodePng(rgba: Uint8Array, width: number, height: number): Uint8Array {
  return encode({ width, height, data: rgba, channels: 4, depth: 8 });
}
