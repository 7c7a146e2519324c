// The explorer in a real browser: Debian's Chromium, headless, WebGPU on SwiftShader. Sizes are
// small because SwiftShader runs on the CPU (about 10 fps for a few thousand points here).
import { mkdirSync } from 'node:fs';
import type { Server } from 'node:http';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildDemo, canvasStats, launch, openExplorer, ROOT, serveDemo } from './harness.js';
import { npy } from './npy.js';

const ARTIFACTS = join(ROOT, 'test/artifacts');
let browser: Browser;
let server: Server;
let url: string;

beforeAll(async () => {
  mkdirSync(ARTIFACTS, { recursive: true });
  buildDemo();
  ({ url, server } = await serveDemo());
  browser = await launch();
}, 180_000);

afterAll(async () => {
  await browser?.close();
  server?.close();
});

async function hoverPoint(page: Page, id: number): Promise<[number, number]> {
  const at = await page.evaluate((i) => (window as unknown as { __explorer: { screenPositionOf(i: number): Promise<[number, number]> } }).__explorer.screenPositionOf(i), id);
  const box = (await page.locator('#canvas').boundingBox())!;
  const xy: [number, number] = [box.x + at[0], box.y + at[1]];
  await page.mouse.move(xy[0], xy[1]);
  return xy;
}

/** Mean absolute per-channel difference of two PNG screenshots of the same size. */
async function pixelDifference(a: Buffer, b: Buffer): Promise<number> {
  const { PNG } = await import('pngjs');
  const [x, y] = [PNG.sync.read(a), PNG.sync.read(b)];
  let sum = 0;
  for (let i = 0; i < x.data.length; i++) sum += Math.abs(x.data[i] - y.data[i]);
  return sum / x.data.length;
}

function pageErrors(page: Page): string[] {
  return (page as Page & { errors: string[] }).errors;
}

describe('explorer in headless Chromium (WebGPU on SwiftShader)', () => {
  it('runs PCA → t-SNE on Fashion-MNIST; hover, click-neighbours and colour modes work', async () => {
    // LATENTGPU_UPDATE_DOCS=1 runs a larger, longer embedding and saves the README screenshot.
    const docs = process.env.LATENTGPU_UPDATE_DOCS === '1';
    const size = docs ? { limit: 3000, iterations: 500 } : { limit: 1000, iterations: 100 };
    const page = await openExplorer(browser, url, `data=fashion&limit=${size.limit}&pipeline=pca-tsne&iterations=${size.iterations}&autorun=1`, docs ? 1_800_000 : 240_000);
    try {
      expect(await page.locator('#status').textContent()).toMatch(/^pca-tsne: done/);
      expect(await page.locator('#error').isHidden()).toBe(true);
      expect(await page.locator('#point-count').textContent()).toBe(`${size.limit.toLocaleString('en')} points`);
      expect(await page.evaluate(() => (window as unknown as { __explorer: { pointCount: number } }).__explorer.pointCount)).toBe(size.limit);

      const byLabel = await canvasStats(page, join(ARTIFACTS, 'fashion-tsne-label.png'));
      expect(byLabel.lit).toBeGreaterThan(500); // points drawn, not a blank canvas
      expect(byLabel.std).toBeGreaterThan(5);

      const xy = await hoverPoint(page, 5);
      await page.waitForSelector('#tooltip:not([hidden]) img', { timeout: 30_000 });
      expect(await page.locator('#tooltip').getAttribute('data-id')).toBe('5');
      expect(await page.locator('#tooltip').textContent()).toContain('Trouser');
      expect(await page.locator('#tooltip img').evaluate((img: HTMLImageElement) => img.naturalWidth)).toBe(28);

      await page.mouse.click(xy[0], xy[1]);
      await page.waitForSelector('#neighbours li', { timeout: 30_000 });
      expect(await page.locator('#neighbours li').count()).toBe(8);
      expect(await page.locator('#neighbours li img').count()).toBe(8);
      const ids = await page.locator('#neighbours li').evaluateAll((li) => li.map((e) => Number((e as HTMLElement).dataset.id)));
      expect(new Set(ids).size).toBe(8);
      expect(ids).not.toContain(5);
      // Fashion-MNIST trousers are well separated: most neighbours of a trouser are trousers.
      const trousers = await page.locator('#neighbours li').evaluateAll((li) => li.filter((e) => e.textContent!.includes('Trouser')).length);
      expect(trousers).toBeGreaterThanOrEqual(5);
      await page.screenshot({ path: join(ARTIFACTS, 'fashion-neighbours.png') });
      if (docs) await page.screenshot({ path: join(ROOT, 'docs/explorer.png') });

      await page.mouse.move(5, 5); // away from the canvas: tooltip off
      await page.locator('#canvas').click({ position: { x: 3, y: 3 } }); // empty spot clears the highlight
      const plain = await canvasStats(page);
      await page.selectOption('#colour-mode', 'value');
      await page.waitForFunction(() => document.querySelector('#legend .ramp') !== null);
      await page.waitForTimeout(500);
      const byValue = await canvasStats(page, join(ARTIFACTS, 'fashion-tsne-value.png'));
      expect(await pixelDifference(plain.png, byValue.png)).toBeGreaterThan(0.3);

      await page.selectOption('#colour-mode', 'cluster');
      await page.waitForFunction(() => document.querySelectorAll('#legend [data-category]').length === 10, undefined, { timeout: 60_000 });
      expect(await page.locator('#legend').textContent()).toMatch(/(Trouser|Bag|Sneaker|Ankle boot).*%/);

      await page.selectOption('#colour-mode', 'label');
      await page.fill('#filter', 'trouser');
      await page.waitForTimeout(500);
      const filtered = await canvasStats(page, join(ARTIFACTS, 'fashion-filtered.png'));
      expect(filtered.lit).toBeLessThan(byLabel.lit * 0.5);
      expect(filtered.lit).toBeGreaterThan(10);
      expect(pageErrors(page)).toEqual([]);
    } finally {
      await page.close();
    }
  }, 2_000_000);

  it('runs PCA → t-SNE on GPU-generated synthetic data', async () => {
    const page = await openExplorer(browser, url, 'data=synthetic&limit=800&d=20&k=5&pipeline=pca-tsne&pca=10&iterations=60&autorun=1', 240_000);
    try {
      expect(await page.locator('#status').textContent()).toMatch(/^pca-tsne: done/);
      expect(await page.locator('#point-count').textContent()).toBe('800 points');
      const s = await canvasStats(page, join(ARTIFACTS, 'synthetic-tsne.png'));
      expect(s.lit).toBeGreaterThan(300);
      expect(await page.locator('#legend [data-category]').count()).toBe(5);
      await hoverPoint(page, 3);
      await page.waitForSelector('#tooltip:not([hidden])', { timeout: 30_000 });
      expect(await page.locator('#tooltip').textContent()).toContain('cluster 3');
      expect(pageErrors(page)).toEqual([]);
    } finally {
      await page.close();
    }
  }, 300_000);

  it('shows a specific error in the page for a ragged CSV and a wrong NPY dtype, and loads a good file', async () => {
    const page = await openExplorer(browser, url, 'data=synthetic&limit=50&d=4&k=2&autorun=0', 120_000);
    try {
      const drop = (name: string, bytes: number[]) => page.evaluate(([n, b]) => {
        const dt = new DataTransfer();
        dt.items.add(new File([new Uint8Array(b as number[])], n as string));
        window.dispatchEvent(new DragEvent('drop', { dataTransfer: dt, cancelable: true }));
      }, [name, bytes] as const);
      await drop('ragged.csv', [...new TextEncoder().encode('a,b,c\n1,2,3\n4,5\n')]);
      await page.waitForSelector('#error:not([hidden])');
      expect(await page.locator('#error').textContent()).toBe('ragged.csv, line 3: 2 columns, but the header has 3.');
      await drop('complex.npy', [...new Uint8Array(npy('<c8', [2, 2], new Uint8Array(32)))]);
      await page.waitForFunction(() => document.getElementById('error')!.textContent!.includes('complex.npy'));
      expect(await page.locator('#error').textContent()).toMatch(/^complex\.npy has dtype <c8; the explorer reads float32/);
      await drop('good.csv', [...new TextEncoder().encode('x,y,z,label\n1,2,3,a\n4,5,6,b\n7,8,9,a\n')]);
      await page.waitForFunction(() => document.getElementById('point-count')!.textContent === '3 points');
      expect(await page.locator('#error').isHidden()).toBe(true);
    } finally {
      await page.close();
    }
  }, 120_000);

  it('says what is missing on a page without WebGPU', async () => {
    const page = await browser.newPage();
    try {
      await page.addInitScript(() => { Object.defineProperty(navigator, 'gpu', { value: undefined }); });
      await page.goto(url);
      await page.waitForSelector('#nogpu:not([hidden])');
      expect(await page.locator('#nogpu-reason').textContent()).toMatch(/navigator\.gpu is missing/);
      expect(await page.locator('#app').isHidden()).toBe(true);
    } finally {
      await page.close();
    }
  });
});

