// Frame time of the explorer in headless Chromium with 100k, 300k and 1M points, idle and while
// t-SNE runs, on whatever WebGPU adapter Chromium finds (SwiftShader on CPU-only machines: those
// numbers are a CPU rasteriser's, not a GPU's). Peer measured in the same run: moving one t-SNE
// step's positions to the draw buffer through the CPU (read back + upload), against the
// explorer's GPU-to-GPU pack kernel; and every point drawn as an 8×8 picture from the atlas against
// the same points as dots; UMAP's frames when the build has that pipeline. Usage: npm run bench -- render [--sizes 100000,300000] [--window 8]
import type { Page } from 'playwright-core';
import { parseArgs, machine, writeResult } from './lib/common.js';
import { buildDemo, launch, openExplorer, serveDemo } from '../test/browser/harness.js';

const args = parseArgs();
const sizes = (args.sizes ?? '100000,300000,1000000').split(',').map(Number);
const windowMs = Number(args.window ?? 8) * 1000;
const tsneWindowMs = Number(args['tsne-window'] ?? 20) * 1000;

type Hooks = {
  frameIntervals(ms: number, min?: number, cap?: number): Promise<{ intervals: number[]; elapsedMs: number }>;
  renderMs(reps?: number): Promise<number>;
  updateMs(kind: 'gpu' | 'cpu', reps?: number): Promise<number>;
  usePictures(side?: number): Promise<number>;
  useDots(): Promise<void>;
};
const call = <K extends keyof Hooks>(page: Page, name: K, ...a: Parameters<Hooks[K]>) =>
  page.evaluate(([n, rest]) => ((window as unknown as { __explorer: Record<string, (...x: unknown[]) => unknown> }).__explorer[n as string])(...(rest as unknown[])), [name, a] as const) as ReturnType<Hooks[K]>;

const median = (v: number[]) => { const s = [...v].sort((a, b) => a - b); return s[Math.floor(s.length / 2)] ?? NaN; };
/** Median frame interval; with fewer than two frames in the window, the window itself is a lower bound. */
function frameTime(f: { intervals: number[]; elapsedMs: number }) {
  const mean = f.elapsedMs / Math.max(1, f.intervals.length);
  return f.intervals.length >= 2 ? { ms: median(f.intervals), mean, frames: f.intervals.length, lowerBound: false }
    : { ms: mean, mean, frames: f.intervals.length, lowerBound: true };
}

buildDemo();
const { url, server } = await serveDemo();
const browser = await launch();
const rows: Record<string, unknown>[] = [];
let adapter = '';
try {
  for (const n of sizes) {
    // 3-D Gaussian mixture made on the GPU, shown through a random 3×3 projection: a pure display load.
    const page = await openExplorer(browser, url, `data=synthetic&limit=${n}&d=3&k=10&pipeline=random&autorun=1`, 600_000);
    adapter = (await page.locator('#adapter').textContent()) ?? '';
    const idle = frameTime(await call(page, 'frameIntervals', windowMs, 3, 4 * windowMs));
    const render = await call(page, 'renderMs', 3);
    const gpuUpdate = await call(page, 'updateMs', 'gpu', 3);
    const cpuUpdate = await call(page, 'updateMs', 'cpu', 3);
    // The same points drawn as 8×8 pictures from the atlas (dots are the peer of this row).
    const pictures = await call(page, 'usePictures', 8);
    const spriteIdle = frameTime(await call(page, 'frameIntervals', windowMs, 3, 4 * windowMs));
    const spriteRender = await call(page, 'renderMs', 3);
    await call(page, 'useDots');
    // t-SNE on all n points (3-D); frames are measured over the first window of the run, whatever
    // phase it is in (affinities first, then iterations), and the phase reached is recorded.
    await page.selectOption('#pipeline', 'tsne');
    await page.fill('#iterations', '1000');
    await page.click('#run');
    const during = frameTime(await call(page, 'frameIntervals', tsneWindowMs, 2, 2 * tsneWindowMs));
    const reached = await page.locator('#status').textContent();
    // UMAP, when this build's pipeline list has it: the same window from the start of its run.
    let umap: ReturnType<typeof frameTime> | null = null;
    let umapReached: string | null = null;
    if (await page.locator('#pipeline option[value="umap"]:not([disabled])').count()) {
      await page.selectOption('#pipeline', 'umap');
      await page.click('#run');
      umap = frameTime(await call(page, 'frameIntervals', tsneWindowMs, 2, 2 * tsneWindowMs));
      umapReached = await page.locator('#status').textContent();
    }
    rows.push({
      points: n,
      idle_frame_ms: idle.ms, idle_mean_frame_ms: idle.mean, idle_fps: 1000 / idle.ms, idle_frames: idle.frames, idle_lower_bound: idle.lowerBound,
      render_ms: render,
      tsne_frame_ms: during.ms, tsne_mean_frame_ms: during.mean, tsne_fps: 1000 / during.ms, tsne_frames: during.frames, tsne_lower_bound: during.lowerBound, tsne_reached: reached,
      sprite_pictures: pictures, sprite_idle_frame_ms: spriteIdle.ms, sprite_idle_fps: 1000 / spriteIdle.ms, sprite_idle_frames: spriteIdle.frames,
      sprite_render_ms: spriteRender, sprite_vs_dots_render_ratio: spriteRender / render,
      umap_frame_ms: umap?.ms ?? null, umap_fps: umap ? 1000 / umap.ms : null, umap_frames: umap?.frames ?? null, umap_reached: umapReached,
      update_gpu_ms: gpuUpdate, peer: 'CPU readback + upload', update_peer_ms: cpuUpdate, update_ratio: cpuUpdate / gpuUpdate,
    });
    console.log(JSON.stringify(rows.at(-1)));
    await page.close();
  }
} finally {
  await browser.close();
  server.close();
}
const path = writeResult('render', {
  benchmark: 'render', adapter, machine: machine(),
  note: 'Headless Chromium; on machines without a GPU the adapter is SwiftShader (Vulkan on the CPU), so these are CPU rasteriser numbers. ' +
    '*_frame_ms is the median interval between animation frames, *_mean_frame_ms the window over the frames in it (long stalls show there); ' +
    'update_* is the cost of one t-SNE step\'s positions reaching the draw buffer: the explorer\'s GPU pack kernel vs reading back and uploading (the peer). ' +
    'sprite_* draws every point as an 8×8 picture from the atlas; sprite_vs_dots_render_ratio compares one render with the dots of the same row. umap_* is null when the build has no UMAP pipeline.',
  rows,
});
console.log(`wrote ${path}`);
