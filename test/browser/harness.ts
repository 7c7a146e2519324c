// Builds the explorer, serves demo/dist on 127.0.0.1 (navigator.gpu exists only in a secure
// context, and localhost counts) and drives Debian's Chromium headless with WebGPU on SwiftShader.
import { createReadStream, existsSync, statSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { extname, join, normalize, resolve } from 'node:path';
import { execFileSync } from 'node:child_process';
import { chromium, type Browser, type Page } from 'playwright-core';

// The repository root: tests and benchmarks run from it (a bundled benchmark has no useful dirname).
export const ROOT = process.cwd();
const DIST = join(ROOT, 'demo/dist');

/** Flags that give headless Chromium a visible WebGPU canvas on SwiftShader (see shared/gpu/README.md). */
export const CHROMIUM_FLAGS = [
  '--no-sandbox', '--enable-unsafe-webgpu', '--use-webgpu-adapter=swiftshader', '--ignore-gpu-blocklist',
  '--enable-gpu-compositing', '--use-angle=swiftshader', '--enable-unsafe-swiftshader', '--use-vulkan=swiftshader',
  '--enable-features=Vulkan,WebGPUSharedImageInterop', '--disable-background-networking', '--disable-component-update',
  '--disable-sync', '--no-first-run',
];

export const CHROMIUM_PATH = process.env.LATENTGPU_CHROMIUM ?? '/usr/bin/chromium';

/** Prepares the data file and builds the app (once per process). */
let built = false;
export function buildDemo(): void {
  if (built) return;
  execFileSync(process.execPath, ['scripts/prepare-demo-data.mjs'], { cwd: ROOT, stdio: 'pipe' });
  execFileSync(process.execPath, ['node_modules/vite/bin/vite.js', 'build', 'demo', '--logLevel', 'error'], { cwd: ROOT, stdio: 'pipe' });
  built = true;
}

const TYPES: Record<string, string> = {
  '.html': 'text/html', '.js': 'text/javascript', '.css': 'text/css', '.bin': 'application/octet-stream', '.png': 'image/png',
};

/** A static server for demo/dist on 127.0.0.1 and a free port. */
export async function serveDemo(): Promise<{ url: string; server: Server }> {
  const server = createServer((req, res) => {
    const path = normalize(decodeURIComponent(new URL(req.url ?? '/', 'http://x').pathname)).replace(/^(\.\.[/\\])+/, '');
    let file = join(DIST, path);
    if (existsSync(file) && statSync(file).isDirectory()) file = join(file, 'index.html');
    if (!file.startsWith(DIST) || !existsSync(file)) { res.writeHead(404).end('not found'); return; }
    res.writeHead(200, { 'content-type': TYPES[extname(file)] ?? 'application/octet-stream' });
    createReadStream(file).pipe(res);
  });
  await new Promise<void>((ok) => server.listen(0, '127.0.0.1', ok));
  const port = (server.address() as { port: number }).port;
  return { url: `http://127.0.0.1:${port}/`, server };
}

export async function launch(): Promise<Browser> {
  return chromium.launch({ executablePath: CHROMIUM_PATH, headless: true, args: CHROMIUM_FLAGS });
}

/** Opens the explorer and waits until it has loaded its data (and finished `autorun`, if asked). */
export async function openExplorer(browser: Browser, url: string, query: string, timeout = 120_000,
  before?: (page: Page) => Promise<void>): Promise<Page> {
  const page = await browser.newPage({ viewport: { width: 1000, height: 640 } });
  await before?.(page);
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(String(e)));
  page.on('console', (m) => { if (m.type() === 'error') errors.push(m.text()); });
  (page as Page & { errors: string[] }).errors = errors;
  await page.goto(`${url}?${query}`);
  await page.waitForFunction(() => {
    const x = (window as unknown as { __explorer?: { ready: boolean; running: boolean; pointCount: number } }).__explorer;
    return x?.ready && !x.running && x.pointCount > 0 && document.getElementById('status')!.textContent !== 'loading…';
  }, undefined, { timeout });
  return page;
}

/** Mean and spread of the canvas pixels, and how many differ from the background. */
export async function canvasStats(page: Page, path?: string, timeout?: number): Promise<{ mean: number; std: number; lit: number; png: Buffer }> {
  const png = await page.locator('#canvas').screenshot({ path, timeout });
  const { PNG } = await import('pngjs');
  const img = PNG.sync.read(png);
  let sum = 0, sumSq = 0, lit = 0;
  const bg = [0x10, 0x14, 0x18];
  for (let i = 0; i < img.data.length; i += 4) {
    const v = (img.data[i] + img.data[i + 1] + img.data[i + 2]) / 3;
    sum += v; sumSq += v * v;
    if (Math.abs(img.data[i] - bg[0]) + Math.abs(img.data[i + 1] - bg[1]) + Math.abs(img.data[i + 2] - bg[2]) > 30) lit++;
  }
  const count = img.data.length / 4;
  const mean = sum / count;
  return { mean, std: Math.sqrt(Math.max(0, sumSq / count - mean * mean)), lit, png };
}
