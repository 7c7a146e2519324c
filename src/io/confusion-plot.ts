import { InvalidInputError } from '../engine/errors.js';
import { drawText, lineHeight, textWidth } from './font.js';
import { encodePng } from './image-grid.js';

const CELL = 52;
const MARGIN = 14;
const FOOTER = 'rows: true class, columns: predicted';
/** Font sizes in pixels: labels and counts, and the staggered column headers. */
const TEXT = 14;
const SMALL = 10;

/**
 * A confusion matrix as a PNG heat map: rows are true classes, columns predicted ones, each cell
 * shaded by its share of the row (so a class's recall reads along the diagonal) and labelled with its count.
 */
export function renderConfusion(counts: ArrayLike<number>, classNames: readonly string[], title?: string): Uint8Array {
  const c = classNames.length;
  if (c < 1 || counts.length !== c * c) throw new InvalidInputError(`a confusion matrix of ${c} classes needs ${c * c} counts, got ${counts.length}.`);
  const rowLabelWidth = Math.max(...classNames.map((n) => textWidth(n, TEXT))) + 12;
  const headerHeight = 2 * (lineHeight(SMALL) + 3) + 14;
  const titleHeight = title ? lineHeight(TEXT) + 12 : 0;
  const x0 = MARGIN + rowLabelWidth;
  const y0 = MARGIN + titleHeight + headerHeight;
  const width = Math.max(x0 + c * CELL + MARGIN, x0 + textWidth(FOOTER, TEXT) + MARGIN, title ? textWidth(title, TEXT) + 2 * MARGIN : 0);
  const height = y0 + c * CELL + MARGIN + lineHeight(TEXT) + 8;
  const px = new Uint8Array(width * height * 4).fill(255);
  const put = (x: number, y: number, rgb: readonly number[], coverage = 1) => {
    if (x < 0 || y < 0 || x >= width || y >= height) return;
    const o = (y * width + x) * 4;
    for (let q = 0; q < 3; q++) px[o + q] = Math.round(px[o + q] + coverage * (rgb[q] - px[o + q]));
  };
  const dark = [40, 40, 40];
  if (title) drawText(title, MARGIN, MARGIN, TEXT, (x, y, a) => put(x, y, dark, a));
  for (let i = 0; i < c; i++) {
    let total = 0;
    for (let j = 0; j < c; j++) total += counts[i * c + j];
    drawText(classNames[i], MARGIN, y0 + i * CELL + Math.floor((CELL - lineHeight(TEXT)) / 2), TEXT, (x, y, a) => put(x, y, dark, a));
    // Column headers: names on two staggered lines of a smaller size, so that neighbours do not collide.
    const name = classNames[i].slice(0, 12);
    const hx = x0 + i * CELL + Math.floor((CELL - textWidth(name, SMALL)) / 2);
    drawText(name, hx, MARGIN + titleHeight + (i % 2) * (lineHeight(SMALL) + 3) + 4, SMALL, (x, y, a) => put(x, y, dark, a));
    for (let j = 0; j < c; j++) {
      const v = counts[i * c + j];
      const share = total > 0 ? v / total : 0;
      // White to tab10 blue, by share of the row.
      const rgb = [255 - share * (255 - 31), 255 - share * (255 - 119), 255 - share * (255 - 180)].map(Math.round);
      for (let y = 1; y < CELL; y++) for (let x = 1; x < CELL; x++) put(x0 + j * CELL + x, y0 + i * CELL + y, rgb);
      const text = String(v);
      const ink = share > 0.5 ? [255, 255, 255] : dark;
      drawText(text, x0 + j * CELL + Math.floor((CELL - textWidth(text, TEXT)) / 2), y0 + i * CELL + Math.floor((CELL - lineHeight(TEXT)) / 2), TEXT, (x, y, a) => put(x, y, ink, a));
    }
  }
  drawText(FOOTER, x0, y0 + c * CELL + 8, TEXT, (x, y, a) => put(x, y, [110, 110, 110], a));
  return encodePng(px, width, height);
}
