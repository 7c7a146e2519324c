import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import opentype from 'opentype.js';

/**
 * Text for plot titles and legends, drawn as written ("Café crème", Greek, Cyrillic, …) with
 * DejaVu Sans (shipped in `fonts/`, Bitstream Vera licence) parsed by opentype.js and filled here
 * with anti-aliasing. Glyphs are placed one by one with the font's kerning; scripts that need
 * shaping (Arabic joining, Indic reordering) are drawn unshaped, and characters the font lacks
 * (CJK among them) as its missing-glyph box.
 */

interface Glyph {
  index: number;
  advanceWidth?: number;
  getPath(x: number, y: number, fontSize: number): { commands: PathCommand[] };
}
type PathCommand =
  | { type: 'M' | 'L'; x: number; y: number }
  | { type: 'Q'; x1: number; y1: number; x: number; y: number }
  | { type: 'C'; x1: number; y1: number; x2: number; y2: number; x: number; y: number }
  | { type: 'Z' };
interface Font {
  unitsPerEm: number;
  ascender: number;
  descender: number;
  charToGlyph(ch: string): Glyph;
  getKerningValue(a: Glyph, b: Glyph): number;
}

/** Calls back with the coverage (0–1) of each pixel the text touches. */
export type CoverageSetter = (x: number, y: number, coverage: number) => void;

const FONT_FILE = 'fonts/DejaVuSans.ttf';
let cached: Font | undefined;

/** The package folder holding `fonts/`, found upwards from this module (src/io/ or dist/). */
function fontPath(): string {
  for (let dir = dirname(fileURLToPath(import.meta.url)); ; dir = dirname(dir)) {
    if (existsSync(join(dir, FONT_FILE))) return join(dir, FONT_FILE);
    if (dirname(dir) === dir) throw new Error(`latentgpu: ${FONT_FILE} is missing from the package; reinstall latentgpu.`);
  }
}

function font(): Font {
  if (!cached) {
    const bytes = readFileSync(fontPath());
    cached = opentype.parse(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength)) as unknown as Font;
  }
  return cached;
}

/** Glyphs of `text` (NFC, so that "e" + combining accent uses the precomposed glyph) with their pen x in font units. */
function layout(text: string): { glyphs: Glyph[]; x: number[]; width: number } {
  const f = font();
  // Line breaks inside a label (quoted CSV cells may hold them) are drawn as spaces on one line.
  const glyphs = [...text.normalize('NFC').replace(/[\r\n\t\v\f]+/g, ' ')].map((ch) => f.charToGlyph(ch));
  const x: number[] = [];
  let pen = 0;
  glyphs.forEach((g, i) => {
    if (i > 0) pen += f.getKerningValue(glyphs[i - 1], g);
    x.push(pen);
    pen += g.advanceWidth ?? f.unitsPerEm / 2;
  });
  return { glyphs, x, width: pen };
}

/** Width in pixels of `text` at a font size of `size` pixels. */
export function textWidth(text: string, size: number): number {
  return Math.ceil((layout(text).width * size) / font().unitsPerEm);
}

/** Height in pixels of a line at `size`: ascender to descender. */
export function lineHeight(size: number): number {
  const f = font();
  return Math.ceil(((f.ascender - f.descender) * size) / f.unitsPerEm);
}

/** Straight edges of the glyph outlines, curves flattened to short segments. */
function edges(commands: PathCommand[]): number[] {
  const out: number[] = []; // x0, y0, x1, y1 per edge
  let [sx, sy, px, py] = [0, 0, 0, 0];
  const line = (x: number, y: number) => { if (y !== py) out.push(px, py, x, y); px = x; py = y; };
  for (const c of commands) {
    if (c.type === 'M') { sx = px = c.x; sy = py = c.y; } else if (c.type === 'L') line(c.x, c.y);
    else if (c.type === 'Q') {
      const steps = Math.max(2, Math.ceil(Math.hypot(c.x - px, c.y - py) / 2));
      const [x0, y0] = [px, py];
      for (let i = 1; i <= steps; i++) {
        const t = i / steps, u = 1 - t;
        line(u * u * x0 + 2 * u * t * c.x1 + t * t * c.x, u * u * y0 + 2 * u * t * c.y1 + t * t * c.y);
      }
    } else if (c.type === 'C') {
      const steps = Math.max(3, Math.ceil(Math.hypot(c.x - px, c.y - py) / 2));
      const [x0, y0] = [px, py];
      for (let i = 1; i <= steps; i++) {
        const t = i / steps, u = 1 - t;
        line(u * u * u * x0 + 3 * u * u * t * c.x1 + 3 * u * t * t * c.x2 + t * t * t * c.x,
          u * u * u * y0 + 3 * u * u * t * c.y1 + 3 * u * t * t * c.y2 + t * t * t * c.y);
      }
    } else line(sx, sy);
  }
  return out;
}

const SUBROWS = 5;

/**
 * Fills outlines with the non-zero winding rule: each pixel row is sampled on SUBROWS scanlines,
 * and each span's ends are counted with their fractional pixel cover.
 */
function fill(e: number[], set: CoverageSetter): void {
  if (e.length === 0) return;
  let [minX, maxX, minY, maxY] = [Infinity, -Infinity, Infinity, -Infinity];
  for (let i = 0; i < e.length; i += 2) { minX = Math.min(minX, e[i]); maxX = Math.max(maxX, e[i]); minY = Math.min(minY, e[i + 1]); maxY = Math.max(maxY, e[i + 1]); }
  const x0 = Math.floor(minX), width = Math.ceil(maxX) - x0 + 1;
  const cover = new Float32Array(width);
  const hits: [number, number][] = [];
  for (let py = Math.floor(minY); py <= Math.ceil(maxY); py++) {
    cover.fill(0);
    for (let s = 0; s < SUBROWS; s++) {
      const y = py + (s + 0.5) / SUBROWS;
      hits.length = 0;
      for (let i = 0; i < e.length; i += 4) {
        const [ax, ay, bx, by] = [e[i], e[i + 1], e[i + 2], e[i + 3]];
        if ((y < ay) === (y < by)) continue;
        hits.push([ax + ((y - ay) / (by - ay)) * (bx - ax), by > ay ? 1 : -1]);
      }
      hits.sort((a, b) => a[0] - b[0]);
      let winding = 0;
      for (let h = 0; h < hits.length; h++) {
        const before = winding;
        winding += hits[h][1];
        if (before !== 0 || winding === 0 || h + 1 >= hits.length) continue;
        // A span from this crossing to the next where the winding returns to zero.
        let end = h + 1;
        for (let w = winding; end < hits.length; end++) { w += hits[end][1]; if (w === 0) break; }
        const a = hits[h][0] - x0, b = hits[Math.min(end, hits.length - 1)][0] - x0;
        for (let px = Math.floor(a); px < Math.ceil(b); px++) {
          cover[px] += (Math.min(px + 1, b) - Math.max(px, a)) / SUBROWS;
        }
        winding = 0;
        h = end;
      }
    }
    for (let i = 0; i < width; i++) if (cover[i] > 0.01) set(x0 + i, py, Math.min(1, cover[i]));
  }
}

/**
 * Draws `text` with its top-left corner at (x0, y0) at a font size of `size` pixels, calling
 * `set` with each touched pixel's coverage. Returns the advance width in pixels.
 */
export function drawText(text: string, x0: number, y0: number, size: number, set: CoverageSetter): number {
  const f = font();
  const scale = size / f.unitsPerEm;
  const baseline = y0 + f.ascender * scale;
  const { glyphs, x, width } = layout(text);
  const all: number[] = [];
  glyphs.forEach((g, i) => { for (const v of edges(g.getPath(x0 + x[i] * scale, baseline, size).commands)) all.push(v); });
  fill(all, set);
  return Math.ceil(width * scale);
}
