// The explorer's first view, address state, table columns, lasso and recommendation view in
// headless Chromium (WebGPU on SwiftShader). Small sizes: SwiftShader rasterises on the CPU.
import type { Server } from 'node:http';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildDemo, canvasStats, launch, openExplorer, serveDemo } from './harness.js';

let browser: Browser;
let server: Server;
let url: string;

beforeAll(async () => {
  buildDemo();
  ({ url, server } = await serveDemo());
  browser = await launch();
}, 180_000);

afterAll(async () => {
  await browser?.close();
  server?.close();
});

type Hooks = {
  screenPositions(): Promise<[number, number][]>;
  screenPositionOf(i: number): Promise<[number, number]>;
  lastLasso: [number, number][];
  view: { camera: { position: { x: number; y: number; z: number } } };
  explorer: { highlighted: Set<number>; mask: Uint8Array | null; n: number; data: { x: Float32Array; d: number }; result: { embedding: { read(): Promise<Float32Array>; cols: number } } };
};
const hooks = <T>(page: Page, f: (h: Hooks) => T | Promise<T>) =>
  page.evaluate(`(${f.toString()})(window.__explorer)`) as Promise<T>;

function spread(points: [number, number][]): [number, number] {
  const mean = [0, 1].map((k) => points.reduce((a, p) => a + p[k], 0) / points.length);
  return [0, 1].map((k) => Math.sqrt(points.reduce((a, p) => a + (p[k] - mean[k]) ** 2, 0) / points.length)) as [number, number];
}

/** Even-odd point-in-polygon in float64: the CPU reference for the GPU lasso. */
function inPolygon([x, y]: [number, number], poly: [number, number][]): boolean {
  let inside = false;
  for (let k = 0, j = poly.length - 1; k < poly.length; j = k++) {
    const [a, b] = [poly[k], poly[j]];
    if ((a[1] > y) !== (b[1] > y) && x < a[0] + ((y - a[1]) * (b[0] - a[0])) / (b[1] - a[1])) inside = !inside;
  }
  return inside;
}

async function drawLasso(page: Page, points: [number, number][], modifier?: 'Shift'): Promise<void> {
  const box = (await page.locator('#canvas').boundingBox())!;
  if (modifier) await page.keyboard.down(modifier);
  await page.mouse.move(box.x + points[0][0], box.y + points[0][1]);
  await page.mouse.down();
  for (const [x, y] of points.slice(1)) await page.mouse.move(box.x + x, box.y + y, { steps: 4 });
  await page.mouse.up();
  if (modifier) await page.keyboard.up(modifier);
}

const selectedCount = async (page: Page) => Number((await page.locator('#selection-info').textContent())!.match(/^([\d,]+)/)![1].replace(/,/g, ''));

describe('explorer views', () => {
  it('opens on a spread-out PCA view of the GPU mixture when no prepared data file is served', async () => {
    const page = await openExplorer(browser, url, 'limit=1500&autorun=0', 60_000,
      async (p) => { await p.route('**/data/fashion-mnist.bin', (r) => r.fulfill({ status: 404, body: 'not found' })); });
    try {
      expect(await page.locator('#source').inputValue()).toBe('synthetic');
      expect(await page.locator('#error').isHidden()).toBe(true);
      const [sx, sy] = spread(await hooks(page, (h) => h.screenPositions()));
      expect(Math.min(sx, sy)).toBeGreaterThan(20); // pixels: not one dot at the origin
      expect((await canvasStats(page)).lit).toBeGreaterThan(300);
    } finally {
      await page.close();
    }
  }, 120_000);

  it('keeps source, pipeline, camera, colouring, filter and selection in the address, and restores them', async () => {
    const state = 'data=synthetic&limit=400&d=8&k=4&pipeline=pca&autorun=0&colour=cluster&ck=4&cam=0.5,0.6,2.2,0.1,0,0&sel=3-9,20&filter=cluster%20%5B0-2%5D';
    const check = async (page: Page) => {
      expect(await page.locator('#source').inputValue()).toBe('synthetic');
      expect(await page.locator('#pipeline').inputValue()).toBe('pca');
      expect(await page.locator('#colour-mode').inputValue()).toBe('cluster');
      expect(await page.locator('#legend [data-category]').count()).toBe(4);
      expect(await page.locator('#filter').inputValue()).toBe('cluster [0-2]');
      const cam = await hooks(page, (h) => h.view.camera.position);
      expect([cam.x, cam.y, cam.z].map((v) => +v.toFixed(3))).toEqual([0.5, 0.6, 2.2]);
      expect(await hooks(page, (h) => [...h.explorer.highlighted].sort((a, b) => a - b))).toEqual([3, 4, 5, 6, 7, 8, 9, 20]);
      // row i is in mixture cluster i % 4: the filter keeps three of the four
      expect(await hooks(page, (h) => Array.from(h.explorer.mask!).reduce((a, v) => a + v, 0))).toBe(300);
    };
    const first = await openExplorer(browser, url, state, 60_000);
    let saved = '';
    try {
      await check(first);
      await first.waitForFunction(() => location.search.includes('cam='));
      saved = await first.evaluate(() => location.search);
      const q = new URLSearchParams(saved);
      expect([q.get('data'), q.get('pipeline'), q.get('colour'), q.get('sel'), q.get('filter'), q.get('cam')])
        .toEqual(['synthetic', 'pca', 'cluster', '3-9,20', 'cluster [0-2]', '0.5,0.6,2.2,0.1,0,0']);
      await first.selectOption('#colour-mode', 'plain');
      await first.waitForFunction(() => new URLSearchParams(location.search).get('colour') === 'plain');
    } finally {
      await first.close();
    }
    const again = await openExplorer(browser, url, saved.slice(1), 60_000);
    try {
      await check(again);
    } finally {
      await again.close();
    }
  }, 180_000);

  it('keeps every column of a dropped CSV: hover shows them, colour by one, regex filter over one', async () => {
    const page = await openExplorer(browser, url, 'data=synthetic&limit=50&d=4&k=2&autorun=0', 60_000);
    try {
      const colours = ['red', 'green', 'blue'];
      const rows = Array.from({ length: 60 }, (_, i) => `item${i},${(i * 7) % 13},${(i * 5) % 11},${i % 3},${colours[(i + (i >> 3)) % 3]},${i % 2 ? 'odd' : 'even'}`);
      const csv = `name,a,b,c,colour,label\n${rows.join('\n')}\n`;
      await page.evaluate((text) => {
        const dt = new DataTransfer();
        dt.items.add(new File([text], 'items.csv'));
        window.dispatchEvent(new DragEvent('drop', { dataTransfer: dt, cancelable: true }));
      }, csv);
      await page.waitForFunction(() => document.getElementById('point-count')!.textContent === '60 points' && !(window as unknown as { __explorer: { running: boolean } }).__explorer.running);
      await page.waitForFunction(() => document.getElementById('status')!.textContent!.endsWith('loaded'));

      const at = await hooks(page, (h) => h.screenPositionOf(7));
      const box = (await page.locator('#canvas').boundingBox())!;
      await page.mouse.move(box.x + at[0], box.y + at[1]);
      await page.waitForSelector('#tooltip:not([hidden]) table');
      const id = Number(await page.locator('#tooltip').getAttribute('data-id'));
      const tip = (await page.locator('#tooltip').textContent())!;
      for (const cell of rows[id].split(',')) expect(tip).toContain(cell);
      expect(tip).toContain('colour');

      await page.selectOption('#colour-mode', 'column:colour');
      await page.waitForFunction(() => document.querySelectorAll('#legend [data-category]').length === 3);
      const legend = await page.locator('#legend [data-category]').allTextContents();
      const counts = colours.map((c) => rows.filter((r) => r.split(',')[4] === c).length);
      expect(legend.sort()).toEqual(colours.map((c, k) => `${c} (${counts[k]})`).sort());
      await page.selectOption('#colour-mode', 'column:a');
      await page.waitForSelector('#legend .ramp');

      await page.selectOption('#filter-column', 'colour');
      await page.fill('#filter', '^(red|blue)$');
      await page.waitForFunction(() => (window as unknown as { __explorer: { explorer: { mask: Uint8Array | null } } }).__explorer.explorer.mask !== null);
      const shown = await hooks(page, (h) => Array.from(h.explorer.mask!));
      expect(shown).toEqual(rows.map((r) => (/^(red|blue)$/i.test(r.split(',')[4]) ? 1 : 0)));
      await page.fill('#filter', '(');
      expect(await page.locator('#filter').getAttribute('class')).toContain('invalid');

      // Brushing the histogram of column a keeps the rows in the dragged range (and the filter's).
      const hist = page.locator('canvas[data-column="a"]');
      await hist.scrollIntoViewIfNeeded();
      const hb = (await hist.boundingBox())!;
      await page.mouse.move(hb.x + hb.width * 0.1, hb.y + hb.height / 2);
      await page.mouse.down();
      await page.mouse.move(hb.x + hb.width * 0.6, hb.y + hb.height / 2, { steps: 3 });
      await page.mouse.up();
      await page.waitForFunction(() => (window as unknown as { __explorer: { explorer: { brushes: Map<string, unknown> } } }).__explorer.explorer.brushes.size === 1);
      const range = await hooks(page, (h) => [...(h.explorer as unknown as { brushes: Map<string, [number, number]> }).brushes.get('a')!]);
      expect(range[0]).toBeCloseTo(1.2, 0); // 10% of 0..12
      expect(range[1]).toBeCloseTo(7.2, 0);
      const want = rows.map((r) => { const c = r.split(','); const a = Number(c[1]); return /^(red|blue)$/i.test(c[4]) && a >= range[0] && a <= range[1] ? 1 : 0; });
      expect(await hooks(page, (h) => Array.from(h.explorer.mask!))).toEqual(want);
      const bCounts = (await page.locator('canvas[data-column="b"]').getAttribute('data-counts'))!.split(',').map(Number);
      const bValues = rows.map((r) => Number(r.split(',')[2]));
      const [blo, bhi] = [Math.min(...bValues), Math.max(...bValues)];
      const expectB = new Array(24).fill(0);
      bValues.forEach((v, i) => { if (want[i]) expectB[Math.min(23, Math.floor(((v - blo) / (bhi - blo)) * 24))]++; });
      expect(bCounts).toEqual(expectB);
    } finally {
      await page.close();
    }
  }, 120_000);

  it('lasso selects what a CPU point-in-polygon count of the same polygon finds; shift adds; export has every row', async () => {
    const page = await openExplorer(browser, url, 'data=synthetic&limit=900&d=6&k=5&autorun=0&dims=2', 60_000);
    try {
      await page.click('#lasso-mode');
      await drawLasso(page, [[300, 150], [560, 180], [600, 420], [420, 470], [330, 360]]);
      await page.waitForSelector('#selection-panel:not([hidden])');
      const positions = await hooks(page, (h) => h.screenPositions());
      const poly1 = await hooks(page, (h) => h.lastLasso);
      const cpu1 = positions.map((p, i) => (inPolygon(p, poly1) ? i : -1)).filter((i) => i >= 0);
      expect(cpu1.length).toBeGreaterThan(20);
      expect(cpu1.length).toBeLessThan(900);
      expect(await selectedCount(page)).toBe(cpu1.length);
      expect(await hooks(page, (h) => [...h.explorer.highlighted].sort((a, b) => a - b))).toEqual(cpu1);

      await drawLasso(page, [[100, 100], [260, 90], [250, 300], [90, 280]], 'Shift');
      await page.waitForFunction((before) => !document.getElementById('selection-info')!.textContent!.startsWith(`${before} `), cpu1.length);
      const poly2 = await hooks(page, (h) => h.lastLasso);
      const union = positions.map((p, i) => (inPolygon(p, poly1) || inPolygon(p, poly2) ? i : -1)).filter((i) => i >= 0);
      expect(await selectedCount(page)).toBe(union.length);

      const [download] = await Promise.all([page.waitForEvent('download'), page.click('#export')]);
      const text = await (await download.createReadStream()).toArray().then((b) => Buffer.concat(b as Buffer[]).toString());
      const lines = text.trim().split('\n');
      expect(lines[0].split(',')).toEqual(['id', 'x', 'y', 'label']); // the mixture's features live on the GPU only
      expect(lines.length - 1).toBe(union.length);
      expect(lines.slice(1).map((l) => Number(l.split(',')[0]))).toEqual(union);

      // A box (plain drag in box mode) replaces the selection with the points inside the rectangle.
      await page.click('#box-mode');
      const cb = (await page.locator('#canvas').boundingBox())!;
      await page.mouse.move(cb.x + 200, cb.y + 150);
      await page.mouse.down();
      await page.mouse.move(cb.x + 520, cb.y + 420, { steps: 4 });
      await page.mouse.up();
      const inBox = positions.map(([x, y], i) => (x >= 200 && x <= 520 && y >= 150 && y <= 420 ? i : -1)).filter((i) => i >= 0);
      await page.waitForFunction((c) => document.getElementById('selection-info')!.textContent!.startsWith(`${c} `), inBox.length.toLocaleString('en'));
      expect(await hooks(page, (h) => [...h.explorer.highlighted].sort((a, b) => a - b))).toEqual(inBox);
      await page.click('#lasso-mode');

      // 3-D: the same check through the perspective camera; alt subtracts
      await page.click('#flat');
      await page.waitForTimeout(300);
      const before = new Set(await hooks(page, (h) => [...h.explorer.highlighted]));
      const positions3 = await hooks(page, (h) => h.screenPositions());
      await page.keyboard.down('Alt');
      await drawLasso(page, [[250, 120], [650, 140], [620, 500], [280, 480]]);
      await page.keyboard.up('Alt');
      await page.waitForFunction((b) => !document.getElementById('selection-info')!.textContent!.startsWith(`${b} `), before.size);
      const poly3 = await hooks(page, (h) => h.lastLasso);
      const left = [...before].filter((i) => !inPolygon(positions3[i], poly3)).sort((a, b) => a - b);
      expect(left.length).toBeLessThan(before.size);
      expect(await hooks(page, (h) => [...h.explorer.highlighted].sort((a, b) => a - b))).toEqual(left);
    } finally {
      await page.close();
    }
  }, 120_000);

  it('lists the nearest neighbours of a clicked item in the data and in the map, and how many the map keeps', async () => {
    const page = await openExplorer(browser, url, 'data=fashion&limit=400&pipeline=pca&autorun=1', 90_000);
    try {
      const at = await hooks(page, (h) => h.screenPositionOf(11));
      const box = (await page.locator('#canvas').boundingBox())!;
      await page.mouse.move(box.x + at[0], box.y + at[1]);
      await page.waitForSelector('#tooltip:not([hidden])');
      const id = Number(await page.locator('#tooltip').getAttribute('data-id'));
      await page.mouse.click(box.x + at[0], box.y + at[1]);
      await page.waitForSelector('#map-neighbours li');
      const ids = (sel: string) => page.locator(sel).evaluateAll((li) => li.map((e) => Number((e as HTMLElement).dataset.id)));
      const [inData, inMap] = [await ids('#neighbours li'), await ids('#map-neighbours li')];
      expect([inData.length, inMap.length]).toEqual([8, 8]);
      expect(await page.locator('#map-neighbours li img').count()).toBe(8);
      // float64 references: brute-force 8-NN of the same row in the pixels and in the map
      const ref = await page.evaluate(async (q) => {
        const ex = (window as unknown as { __explorer: Hooks }).__explorer.explorer;
        const knn = (v: ArrayLike<number>, d: number) => {
          const dist = Array.from({ length: ex.n }, (_, i) => {
            let s = 0;
            for (let j = 0; j < d; j++) s += (v[i * d + j] - v[q * d + j]) ** 2;
            return [s, i] as [number, number];
          }).filter(([, i]) => i !== q).sort((a, b) => a[0] - b[0]);
          return dist.slice(0, 8).map(([, i]) => i);
        };
        const e = ex.result.embedding;
        return { data: knn(ex.data.x, ex.data.d), map: knn(await e.read(), e.cols) };
      }, id);
      expect(new Set(inData)).toEqual(new Set(ref.data));
      expect(new Set(inMap)).toEqual(new Set(ref.map));
      const kept = inData.filter((i) => inMap.includes(i)).length;
      expect(await page.locator('#kept').textContent()).toBe(`The map keeps ${kept} of the 8 nearest neighbours in the data.`);
    } finally {
      await page.close();
    }
  }, 150_000);

  it('draws points as their pictures from the atlas (pixel check of a known image) and names clusters by their medoid', async () => {
    const page = await openExplorer(browser, url, 'data=fashion&limit=60&pipeline=pca&autorun=0&dims=2&as=pictures&size=12', 60_000);
    try {
      await page.waitForTimeout(500); // a frame with the pictures on
      const positions = await hooks(page, (h) => h.screenPositions());
      const half = 12 * 4 / 2;
      const box = (await page.locator('#canvas').boundingBox())!;
      // A point whose picture no other picture overlaps, wholly on the canvas.
      const id = positions.findIndex(([x, y], i) => x > half + 2 && y > half + 2 && x < box.width - half - 2 && y < box.height - half - 2 &&
        positions.every(([u, v], j) => j === i || Math.max(Math.abs(u - x), Math.abs(v - y)) > 2 * half + 2));
      expect(id).toBeGreaterThanOrEqual(0);
      const pixels = await page.evaluate((i) => Array.from((window as unknown as { __explorer: { explorer: { data: { images: { pixels: Uint8Array } } } } }).__explorer.explorer.data.images.pixels.subarray(i * 784, (i + 1) * 784)), id);
      const { PNG } = await import('pngjs');
      const shot = PNG.sync.read((await canvasStats(page)).png);
      const [x0, y0] = [positions[id][0] - half, positions[id][1] - half];
      const seen: number[] = [];
      for (let py = 0; py < 28; py++) {
        for (let px = 0; px < 28; px++) {
          const sx = Math.floor(x0 + ((px + 0.5) * 2 * half) / 28), sy = Math.floor(y0 + ((py + 0.5) * 2 * half) / 28);
          const o = (sy * shot.width + sx) * 4;
          seen.push((shot.data[o] + shot.data[o + 1] + shot.data[o + 2]) / 3);
        }
      }
      const corr = (a: number[], b: number[]) => {
        const ma = a.reduce((s, v) => s + v, 0) / a.length, mb = b.reduce((s, v) => s + v, 0) / b.length;
        let ab = 0, aa = 0, bb = 0;
        a.forEach((v, k) => { ab += (v - ma) * (b[k] - mb); aa += (v - ma) ** 2; bb += (b[k] - mb) ** 2; });
        return ab / Math.sqrt(aa * bb);
      };
      expect(corr(seen, pixels)).toBeGreaterThan(0.95);
      // and a different garment's picture does not match it as well
      const other = await page.evaluate((i) => Array.from((window as unknown as { __explorer: { explorer: { data: { images: { pixels: Uint8Array } } } } }).__explorer.explorer.data.images.pixels.subarray(i * 784, (i + 1) * 784)), (id + 1) % 60);
      expect(corr(seen, other)).toBeLessThan(corr(seen, pixels) - 0.05);

      await page.fill('#cluster-k', '4');
      await page.selectOption('#colour-mode', 'cluster');
      await page.waitForFunction(() => document.querySelectorAll('#legend [data-category]').length === 4, undefined, { timeout: 60_000 });
      expect(await page.locator('#legend img.medoid').count()).toBe(4);
      expect(await page.locator('#legend').textContent()).toMatch(/%\)/);
      // each medoid is a member of its cluster and, within it, the nearest to the members' mean (float64)
      const check = await page.evaluate(async () => {
        const ex = (window as unknown as { __explorer: { explorer: { clusters: Uint32Array; medoids: number[]; result: { latent: { read(): Promise<Float32Array>; cols: number } } } } }).__explorer.explorer;
        const v = await ex.result.latent.read();
        const d = ex.result.latent.cols;
        return ex.medoids.map((m, c) => {
          const members = [...ex.clusters.keys()].filter((i) => ex.clusters[i] === c);
          const mean = Array.from({ length: d }, (_, j) => members.reduce((s, i) => s + v[i * d + j], 0) / members.length);
          const dist = (i: number) => mean.reduce((s, mu, j) => s + (v[i * d + j] - mu) ** 2, 0);
          return { member: ex.clusters[m] === c, ratio: dist(m) / Math.max(1e-12, Math.min(...members.map(dist))) };
        });
      });
      for (const r of check) { expect(r.member).toBe(true); expect(r.ratio).toBeLessThan(1.01); }
    } finally {
      await page.close();
    }
  }, 150_000);

  it('computes a 2-D kernel density on the GPU that matches a float64 reference, and draws its contours', async () => {
    const page = await openExplorer(browser, url, 'data=synthetic&limit=1500&d=6&k=4&autorun=0&dims=2&density=1', 60_000);
    try {
      await page.waitForTimeout(500);
      const pos = await hooks(page, (h) => (h as unknown as { rawBuffer(w: string): Promise<number[]> }).rawBuffer('positions'));
      const grid = await hooks(page, (h) => (h as unknown as { rawBuffer(w: string): Promise<number[]> }).rawBuffer('density'));
      const G = 256, sigma = 5, radius = 15;
      const f = Math.fround;
      const cell = (v: number) => Math.min(G - 1, Math.max(0, Math.floor(f(f(f(v + f(1.1)) / f(2.2)) * G))));
      let a = new Float64Array(G * G);
      for (let i = 0; i < pos.length / 4; i++) a[cell(pos[4 * i + 1]) * G + cell(pos[4 * i])]++;
      for (const axis of [0, 1]) {
        const b = new Float64Array(G * G);
        for (let y = 0; y < G; y++) {
          for (let x = 0; x < G; x++) {
            let s = 0;
            for (let k = -radius; k <= radius; k++) {
              const [qx, qy] = axis === 0 ? [x + k, y] : [x, y + k];
              if (qx >= 0 && qy >= 0 && qx < G && qy < G) s += Math.exp((-0.5 * k * k) / (sigma * sigma)) * a[qy * G + qx];
            }
            b[y * G + x] = s;
          }
        }
        a = b;
      }
      const peak = Math.max(...a);
      let worst = 0, sum = 0;
      grid.forEach((v, i) => { const e = Math.abs(v - a[i] / peak); worst = Math.max(worst, e); sum += e; });
      expect(sum / grid.length).toBeLessThan(1e-4);
      expect(worst).toBeLessThan(0.02); // a point on a cell boundary may fall on the other side in f32
      expect(Math.max(...grid)).toBeCloseTo(1, 5);

      // Contour pixels: yellow where the same view without density is background.
      const { PNG } = await import('pngjs');
      const on = PNG.sync.read((await canvasStats(page, 'test/artifacts/density-contours.png')).png);
      await page.click('#density');
      await page.waitForTimeout(500);
      const off = PNG.sync.read((await canvasStats(page, 'test/artifacts/density-off.png')).png);
      let contour = 0, background = 0;
      for (let o = 0; o < on.data.length; o += 4) {
        const bg = Math.abs(off.data[o] - 0x10) + Math.abs(off.data[o + 1] - 0x14) + Math.abs(off.data[o + 2] - 0x18) < 20;
        if (!bg) continue;
        background++;
        if (on.data[o] > 150 && on.data[o + 1] > 120 && on.data[o] - on.data[o + 2] > 60) contour++;
      }
      expect(contour).toBeGreaterThan(1000);
      expect(contour).toBeLessThan(background * 0.2); // lines, not a filled screen

      // 3-D: each point's density lands in the w of its drawn position
      await page.click('#density');
      await page.click('#flat');
      await page.waitForTimeout(300);
      const w = (await hooks(page, (h) => (h as unknown as { rawBuffer(w: string): Promise<number[]> }).rawBuffer('positions'))).filter((_, i) => i % 4 === 3);
      expect(Math.max(...w)).toBeLessThanOrEqual(1 + 1e-6);
      expect(Math.max(...w)).toBeGreaterThan(0.5);
      expect(Math.min(...w)).toBeLessThan(Math.max(...w) * 0.8);
    } finally {
      await page.close();
    }
  }, 150_000);

  it('draws a dropped embedding with WebGL 2 when WebGPU is missing', async () => {
    const page = await browser.newPage({ viewport: { width: 1000, height: 700 } });
    try {
      await page.addInitScript(() => { Object.defineProperty(navigator, 'gpu', { value: undefined }); });
      await page.goto(url);
      await page.waitForSelector('#nogpu:not([hidden])');
      // three tight clusters: a at (0, 0), b at (10, 0), c at (0, 10)
      const centres: [number, number, string][] = [[0, 0, 'a'], [10, 0, 'b'], [0, 10, 'c']];
      const rows: string[] = [];
      for (let i = 0; i < 300; i++) { const [x, y, l] = centres[i % 3]; rows.push(`${x + ((i * 37) % 11) / 20 - 0.25},${y + ((i * 53) % 13) / 24 - 0.25},${l}`); }
      await page.evaluate((text) => {
        const dt = new DataTransfer();
        dt.items.add(new File([text], 'emb.csv'));
        window.dispatchEvent(new DragEvent('drop', { dataTransfer: dt, cancelable: true }));
      }, `x,y,label\n${rows.join('\n')}\n`);
      await page.waitForFunction(() => document.getElementById('fallback-status')!.textContent!.includes('drawn with WebGL 2'));
      const shot = await page.locator('#fallback-canvas').screenshot();
      const { PNG } = await import('pngjs');
      const img = PNG.sync.read(shot);
      const xs = rows.map((r) => Number(r.split(',')[0])), ys = rows.map((r) => Number(r.split(',')[1]));
      const [xlo, xhi, ylo, yhi] = [Math.min(...xs), Math.max(...xs), Math.min(...ys), Math.max(...ys)];
      const extent = Math.max(xhi - xlo, yhi - ylo);
      const [w, h] = [img.width, img.height];
      const colourAt = ([x, y]: [number, number]) => {
        const X = 0.9 * Math.min(1, h / w) * ((x - (xlo + xhi) / 2) * 2) / extent;
        const Y = 0.9 * Math.min(1, w / h) * ((y - (ylo + yhi) / 2) * 2) / extent;
        const o = (Math.round((1 - Y) / 2 * h) * w + Math.round((X + 1) / 2 * w)) * 4;
        return [img.data[o], img.data[o + 1], img.data[o + 2]];
      };
      // each cluster's centre is drawn in its class colour (Tableau blue, orange, red)
      const want = [[0x4e, 0x79, 0xa7], [0xf2, 0x8e, 0x2b], [0xe1, 0x57, 0x59]];
      centres.forEach(([x, y], k) => {
        const got = colourAt([x, y]);
        expect(got.reduce((a, v, c) => a + Math.abs(v - want[k][c]), 0)).toBeLessThan(40);
      });
      expect(colourAt([10, 10]).reduce((a, v, c) => a + Math.abs(v - [0x10, 0x14, 0x18][c]), 0)).toBeLessThan(10); // empty corner
    } finally {
      await page.close();
    }
  }, 60_000);

  it('loads a dropped 1M-row .npy with progress, streamed to the GPU, draws it and still hovers', async () => {
    const page = await openExplorer(browser, url, 'data=synthetic&limit=50&d=4&k=2&autorun=0&size=2', 60_000);
    try {
      await page.evaluate(() => {
        const seen: string[] = [];
        (window as unknown as { statuses: string[] }).statuses = seen;
        new MutationObserver(() => seen.push(document.getElementById('status')!.textContent!)).observe(document.getElementById('status')!, { childList: true, characterData: true, subtree: true });
        // 1,000,000 × 4 float32 in 8 clusters, made here: a 16 MB file that never crosses the test's wire
        const [n, d] = [1_000_000, 4];
        let header = `{'descr': '<f4', 'fortran_order': False, 'shape': (${n}, ${d}), }`;
        while ((10 + header.length + 1) % 64 !== 0) header += ' ';
        header += '\n';
        const bytes = new Uint8Array(10 + header.length + n * d * 4);
        bytes.set([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59, 1, 0]);
        new DataView(bytes.buffer).setUint16(8, header.length, true);
        bytes.set(new TextEncoder().encode(header), 10);
        const x = new Float32Array(bytes.buffer, 10 + header.length, n * d);
        let s = 12345;
        for (let i = 0; i < n; i++) {
          for (let j = 0; j < d; j++) {
            s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
            x[i * d + j] = ((i % 8) >> (j % 3)) % 2 ? 4 : 0;
            x[i * d + j] += (s / 4294967296 - 0.5);
          }
        }
        (window as unknown as { rows: number[] }).rows = [...x.subarray(0, 4), ...x.subarray(777_777 * 4, 777_778 * 4), ...x.subarray(999_999 * 4)];
        const dt = new DataTransfer();
        dt.items.add(new File([bytes], 'million.npy'));
        window.dispatchEvent(new DragEvent('drop', { dataTransfer: dt, cancelable: true }));
      });
      // SwiftShader computes the PCA view on the CPU: minutes on 2 cores, and past 4 when they are busy.
      await page.waitForFunction(() => document.getElementById('point-count')!.textContent === '1,000,000 points', undefined, { timeout: 420_000 });
      await page.waitForFunction(() => document.getElementById('status')!.textContent!.endsWith('loaded'), undefined, { timeout: 420_000 });
      const statuses = await page.evaluate(() => (window as unknown as { statuses: string[] }).statuses);
      expect(statuses.some((t) => /^reading million\.npy: \d+%$/.test(t))).toBe(true);
      const got = await page.evaluate(async () => {
        const ex = (window as unknown as { __explorer: { explorer: { x: { read(a: number, b: number): Promise<Float32Array> } } } }).__explorer.explorer;
        return [...await ex.x.read(0, 4), ...await ex.x.read(777_777 * 4, 4), ...await ex.x.read(999_999 * 4, 4)];
      });
      expect(got).toEqual(await page.evaluate(() => (window as unknown as { rows: number[] }).rows));
      expect(await page.locator('#error').isHidden()).toBe(true);
      const spreadPx = await page.evaluate(async () => {
        const p = await (window as unknown as { __explorer: { screenPositions(): Promise<[number, number][]> } }).__explorer.screenPositions();
        const sd = (k: number) => { const m = p.reduce((a, q) => a + q[k], 0) / p.length; return Math.sqrt(p.reduce((a, q) => a + (q[k] - m) ** 2, 0) / p.length); };
        return Math.min(sd(0), sd(1));
      });
      expect(spreadPx).toBeGreaterThan(20); // the PCA view of a million rows, not one dot
      // SwiftShader rasterises 6M vertices on the CPU: a frame takes seconds here
      expect((await canvasStats(page, 'test/artifacts/million.png', 150_000)).lit).toBeGreaterThan(2000);
      const at = await hooks(page, (h) => h.screenPositionOf(123_456));
      const box = (await page.locator('#canvas').boundingBox())!;
      await page.mouse.move(box.x + at[0], box.y + at[1]);
      await page.waitForSelector('#tooltip:not([hidden])', { timeout: 60_000 });
      expect(await page.locator('#tooltip').textContent()).toMatch(/^#\d+/);
    } finally {
      await page.close();
    }
  }, 720_000);
});
