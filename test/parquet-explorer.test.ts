// A Parquet file dropped on the explorer page (headless Chromium, WebGPU on SwiftShader): parsed in
// the page's worker by the same reader as the CLI, drawn, with its metadata columns on hover.
import type { Server } from 'node:http';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parquetWriteBuffer } from 'hyparquet-writer';
import { buildDemo, launch, openExplorer, serveDemo } from './browser/harness.js';

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

describe('explorer', () => {
  it('loads a dropped .parquet with a list vector, labels and a title column', async () => {
    const n = 60;
    const titles = Array.from({ length: n }, (_, i) => `title-${i}`);
    const bytes = new Uint8Array(parquetWriteBuffer({
      columnData: [
        { name: 'title', data: titles },
        { name: 'label', data: Array.from({ length: n }, (_, i) => (i % 2 ? 'odd' : 'even')) },
        { name: 'emb', data: Array.from({ length: n }, (_, i) => [i % 2 ? 5 : -5, (i * 7) % 13, (i * 5) % 11, i % 3]) },
      ],
      schema: [
        { name: 'root', num_children: 3 },
        { name: 'title', type: 'BYTE_ARRAY', converted_type: 'UTF8', repetition_type: 'REQUIRED' },
        { name: 'label', type: 'BYTE_ARRAY', converted_type: 'UTF8', repetition_type: 'REQUIRED' },
        { name: 'emb', repetition_type: 'REQUIRED', converted_type: 'LIST', num_children: 1 },
        { name: 'list', repetition_type: 'REPEATED', num_children: 1 },
        { name: 'element', type: 'FLOAT', repetition_type: 'REQUIRED' },
      ],
      rowGroupSize: 25,
    }));
    const page = await openExplorer(browser, url, 'data=synthetic&limit=50&d=4&k=2&autorun=0', 60_000);
    try {
      await page.evaluate((data) => {
        const dt = new DataTransfer();
        dt.items.add(new File([new Uint8Array(data)], 'items.parquet'));
        window.dispatchEvent(new DragEvent('drop', { dataTransfer: dt, cancelable: true }));
      }, Array.from(bytes));
      await page.waitForFunction(() => document.getElementById('point-count')!.textContent === '60 points' && !(window as unknown as { __explorer: { running: boolean } }).__explorer.running);
      const data = await page.evaluate(() => {
        const d = (window as unknown as { __explorer: { explorer: { data: { x: Float32Array; d: number; classNames: string[]; columns: { name: string; strings?: string[] }[] } } } }).__explorer.explorer.data;
        return { x: Array.from(d.x.subarray(0, 8)), d: d.d, classNames: d.classNames, columns: d.columns.map((c) => c.name), title7: d.columns.find((c) => c.name === 'title')!.strings![7] };
      });
      expect(data).toEqual({ x: [-5, 0, 0, 0, 5, 7, 5, 1], d: 4, classNames: ['even', 'odd'], columns: ['label', 'title'], title7: 'title-7' });
    } finally {
      await page.close();
    }
  }, 180_000);
});
