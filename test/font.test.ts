// Plot text is drawn as written: accents, Greek and Cyrillic with their own glyphs, never `?`.
import pngjs from 'pngjs';
import { describe, expect, it } from 'vitest';
import { drawText, lineHeight, textWidth } from '../src/io/font.js';
import { renderScatter } from '../src/io/plot.js';

/** The text's coverage on a small canvas, as a map from "x,y" to coverage. */
function ink(text: string, size = 24): Map<string, number> {
  const m = new Map<string, number>();
  drawText(text, 0, 0, size, (x, y, c) => m.set(`${x},${y}`, Math.max(c, m.get(`${x},${y}`) ?? 0)));
  return m;
}
const rows = (m: Map<string, number>) => [...m.keys()].map((k) => Number(k.split(',')[1]));
const differs = (a: Map<string, number>, b: Map<string, number>) =>
  [...new Set([...a.keys(), ...b.keys()])].filter((k) => Math.abs((a.get(k) ?? 0) - (b.get(k) ?? 0)) > 0.5).length;

describe('plot text', () => {
  it('draws é as e with an accent above it', () => {
    const e = ink('e');
    const eAcute = ink('é');
    expect(Math.min(...rows(eAcute))).toBeLessThan(Math.min(...rows(e)) - 2);
    // Below the accent, the letters are the same.
    const top = Math.min(...rows(e));
    const lower = new Map([...eAcute].filter(([k]) => Number(k.split(',')[1]) >= top));
    expect(differs(lower, e)).toBeLessThan(4);
  });

  it('gives Greek, Cyrillic and accented letters their own glyphs, not a placeholder', () => {
    const placeholder = ink('\uFFFF');
    const seen: Map<string, number>[] = [];
    for (const ch of ['é', 'è', 'ç', 'Ω', 'μ', 'м', 'ж', 'C', 'c']) {
      const g = ink(ch);
      expect(g.size, ch).toBeGreaterThan(10);
      expect(differs(g, placeholder), ch).toBeGreaterThan(10);
      for (const other of seen) expect(differs(g, other), ch).toBeGreaterThan(3);
      seen.push(g);
    }
  });

  it('measures as it draws, and keeps case', () => {
    for (const t of ['Café crème', 'Ωμέγα мир', '#ff0000']) {
      const m = ink(t, 14);
      const xs = [...m.keys()].map((k) => Number(k.split(',')[0]));
      expect(Math.max(...xs)).toBeLessThanOrEqual(textWidth(t, 14));
      expect(Math.max(...rows(m))).toBeLessThanOrEqual(lineHeight(14));
    }
    expect(differs(ink('café'), ink('CAFÉ'))).toBeGreaterThan(20);
  });

  it('puts "Café crème" in the legend of a scatter plot as written', () => {
    const pts = new Float32Array([0, 0, 1, 1, 2, 0]);
    const legend = (name: string) => {
      const png = pngjs.PNG.sync.read(Buffer.from(renderScatter(pts, 3, 2, { labels: [0, 0, 0], classNames: [name], width: 400, height: 200 })));
      const dark = new Set<string>();
      for (let y = 0; y < png.height; y++) {
        for (let x = 250; x < png.width; x++) {
          const o = (y * png.width + x) * 4;
          if (png.data[o] < 128 && png.data[o + 1] < 128 && png.data[o + 2] < 128) dark.add(`${x},${y}`);
        }
      }
      return dark;
    };
    const asWritten = legend('Café crème');
    const unaccented = legend('Cafe creme');
    const placeholder = legend('CAF? CR?ME');
    const diff = (a: Set<string>, b: Set<string>) => [...a].filter((k) => !b.has(k)).length + [...b].filter((k) => !a.has(k)).length;
    expect(asWritten.size).toBeGreaterThan(40);
    expect(diff(asWritten, unaccented)).toBeGreaterThan(4); // the two accents
    expect(diff(asWritten, unaccented)).toBeLessThan(40); // and nothing else
    expect(diff(asWritten, placeholder)).toBeGreaterThan(40);
  });
});
