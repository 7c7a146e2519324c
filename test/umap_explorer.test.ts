// The explorer's UMAP pipeline in headless Chromium (WebGPU on SwiftShader): it runs, animates
// (the canvas changes while the epochs run) and ends with every point drawn.
import { mkdirSync } from 'node:fs';
import type { Server } from 'node:http';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildDemo, canvasStats, launch, ROOT, serveDemo } from './browser/harness.js';

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

/** Opens the explorer recording every status line it shows, and waits until the run is over. */
async function openRecording(query: string): Promise<Page> {
  const page = await browser.newPage({ viewport: { width: 1000, height: 640 } });
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(String(e)));
  page.on('console', (m) => { if (m.type() === 'error') errors.push(m.text()); });
  (page as Page & { errors: string[] }).errors = errors;
  await page.addInitScript(() => {
    const log: string[] = [];
    (window as unknown as { __statusLog: string[] }).__statusLog = log;
    document.addEventListener('DOMContentLoaded', () => {
      const el = document.getElementById('status')!;
      new MutationObserver(() => log.push(el.textContent ?? '')).observe(el, { childList: true, characterData: true, subtree: true });
    });
  });
  await page.goto(`${url}?${query}`);
  await page.waitForFunction(() => {
    const x = (window as unknown as { __explorer?: { ready: boolean; running: boolean; pointCount: number } }).__explorer;
    return x?.ready && !x.running && x.pointCount > 0 && document.getElementById('status')!.textContent !== 'loading…';
  }, undefined, { timeout: 300_000 });
  return page;
}

describe('explorer UMAP pipeline', () => {
  it('runs PCA → UMAP on synthetic clusters, streaming epochs to the view', async () => {
    const page = await openRecording('data=synthetic&limit=600&d=20&k=4&pipeline=pca-umap&pca=10&autorun=1');
    try {
      const seen = await page.evaluate(() => (window as unknown as { __statusLog: string[] }).__statusLog);
      // The epochs streamed: many distinct progress lines, in order.
      const epochs = seen.map((t) => /UMAP epoch (\d+)\/(\d+)/.exec(t)).filter((m) => m).map((m) => Number(m![1]));
      expect(new Set(epochs).size).toBeGreaterThan(20);
      expect(epochs).toEqual([...epochs].sort((a, b) => a - b));
      expect(await page.locator('#status').textContent()).toMatch(/^pca-umap: done/);
      expect(await page.locator('#point-count').textContent()).toBe('600 points');
      const s = await canvasStats(page, join(ARTIFACTS, 'synthetic-umap.png'));
      expect(s.lit).toBeGreaterThan(200);
      expect((page as unknown as { errors: string[] }).errors).toEqual([]);
    } finally {
      await page.close();
    }
  }, 360_000);
});
