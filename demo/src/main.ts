// Boots the explorer: one WebGPU device shared by the latentgpu engine and the three.js renderer.
import { createEngine, type Engine } from '../../src/browser.js';
import { decodeDemoData, type Dataset } from './dataset.js';
import { Explorer, type ColourMode } from './explorer.js';
import { attachInteraction } from './interact.js';
import { missingFor, PIPELINES, type PipelineName, type PipelineParams } from './pipelines.js';
import { $, numberInput, setStatus, showError } from './ui.js';
import { PointCloudView } from './view.js';
import { benchmarkHooks } from './bench-hooks.js';

const query = new URLSearchParams(location.search);

function params(): PipelineParams {
  return {
    pcaComponents: numberInput('pca-k', 50), perplexity: numberInput('perplexity', 30),
    iterations: numberInput('iterations', 500), latentDim: numberInput('latent', 32), epochs: numberInput('epochs', 10),
    dims: $<HTMLInputElement>('flat').checked ? 2 : 3, seed: 1,
  };
}

async function loadFashion(limit: number): Promise<Dataset> {
  const res = await fetch('./data/fashion-mnist.bin');
  if (!res.ok) throw new Error('data/fashion-mnist.bin is missing: run `npm run demo` (it prepares the file from the Debian IDX files).');
  return decodeDemoData(await res.arrayBuffer(), limit);
}

/** Parses a dropped file in a worker so the page stays responsive. */
function parseInWorker(file: File): Promise<Dataset> {
  return new Promise((resolve, reject) => {
    const worker = new Worker(new URL('./parse-worker.ts', import.meta.url), { type: 'module' });
    worker.onmessage = (ev: MessageEvent<{ ok: boolean; data?: Dataset; error?: string }>) => {
      worker.terminate();
      if (ev.data.ok) resolve(ev.data.data!); else reject(new Error(ev.data.error));
    };
    worker.onerror = (ev) => { worker.terminate(); reject(new Error(`the file parser stopped: ${ev.message}`)); };
    void file.arrayBuffer().then((buffer) => worker.postMessage({ name: file.name, buffer }, [buffer]));
  });
}

function fillPipelines(): void {
  const select = $<HTMLSelectElement>('pipeline');
  for (const p of PIPELINES) {
    const missing = missingFor(p.name);
    const opt = new Option(missing.length ? `${p.title} (not built: ${missing.join(', ')})` : p.title, p.name);
    opt.disabled = missing.length > 0;
    select.append(opt);
  }
  const wanted = query.get('pipeline') as PipelineName | null;
  const first = [...select.options].find((o) => !o.disabled && (!wanted || o.value === wanted));
  if (first) select.value = first.value;
}

async function boot(): Promise<void> {
  let engine: Engine;
  try {
    engine = await createEngine();
  } catch (e) {
    $('app').hidden = true;
    $('nogpu').hidden = false;
    $('nogpu-reason').textContent = (e as Error).message;
    (window as unknown as { __explorer: unknown }).__explorer = { ready: false, noGpu: true };
    return;
  }
  const view = new PointCloudView(engine, $<HTMLCanvasElement>('canvas'));
  await view.init();
  const ex = new Explorer(engine, view);
  $('adapter').textContent = engine.description;
  view.onFrame = () => { $('fps').textContent = `${view.fps.toFixed(1)} fps`; };
  for (const [id, v] of [['limit', 'limit'], ['iterations', 'iterations'], ['perplexity', 'perplexity'], ['pca-k', 'pca'], ['synth-d', 'd'], ['synth-k', 'k'], ['epochs', 'epochs'], ['latent', 'latent']] as const) {
    if (query.get(v)) $<HTMLInputElement>(id).value = query.get(v)!;
  }
  if (query.get('dims') === '2') $<HTMLInputElement>('flat').checked = true;
  if (query.get('data')) $<HTMLSelectElement>('source').value = query.get('data')!;
  fillPipelines();
  attachInteraction(ex);

  const load = async () => {
    showError(null);
    const limit = Math.max(10, numberInput('limit', 10000));
    setStatus('loading…', 0);
    if ($<HTMLSelectElement>('source').value === 'synthetic') ex.setSynthetic(limit, numberInput('synth-d', 50), numberInput('synth-k', 10));
    else ex.setData(await loadFashion(limit));
    await engine.sync();
    setStatus(`${ex.data!.name}: ${ex.n} × ${ex.data!.d} loaded`, 0);
  };
  const run = () => ex.run($<HTMLSelectElement>('pipeline').value as PipelineName, params());
  const guard = (f: () => Promise<void>) => () => f().catch((e: Error) => showError(e.message));
  $('load').onclick = guard(load);
  $('run').onclick = guard(run);
  $('stop').onclick = () => ex.pause();
  $('resume').onclick = () => ex.resume();
  $('fit').onclick = () => view.fitToView();
  $<HTMLInputElement>('flat').onchange = (ev) => view.setFlat((ev.target as HTMLInputElement).checked);
  $<HTMLInputElement>('point-size').oninput = (ev) => { view.pointSize.value = Number((ev.target as HTMLInputElement).value); };
  $<HTMLSelectElement>('colour-mode').onchange = guard(() => ex.setColourMode($<HTMLSelectElement>('colour-mode').value as ColourMode));
  $<HTMLInputElement>('filter').oninput = (ev) => ex.filterLabels((ev.target as HTMLInputElement).value);

  // Drag and drop of .npy / .csv files.
  const hint = $('drop-hint');
  window.addEventListener('dragover', (ev) => { ev.preventDefault(); hint.hidden = false; });
  window.addEventListener('dragleave', () => { hint.hidden = true; });
  window.addEventListener('drop', (ev) => {
    ev.preventDefault();
    hint.hidden = true;
    const file = ev.dataTransfer?.files[0];
    if (!file) return;
    setStatus(`parsing ${file.name}…`, 0);
    parseInWorker(file).then((data) => {
      ex.setData(data);
      setStatus(`${data.name}: ${data.n} × ${data.d} loaded`, 0);
      showError(null);
    }).catch((e: Error) => { setStatus('file not loaded'); showError(e.message); });
  });

  // Hooks for the browser tests and the render benchmark.
  const hooks = {
    ready: true, explorer: ex, view, engine, parseInWorker,
    get pointCount() { return ex.n; },
    get running() { return ex.running !== null; },
    /** Screen position (CSS px) of point i: reads that one point's 16 bytes, for tests only. */
    async screenPositionOf(i: number): Promise<[number, number]> {
      const buf = engine.empty([4]);
      const enc = engine.device.createCommandEncoder();
      enc.copyBufferToBuffer(view.positionBuffer.buffer, i * 16, buf.buffer, 0, 16);
      engine.flush();
      engine.queue.submit([enc.finish()]);
      const p = (await buf.read()) as Float32Array;
      buf.dispose();
      const v = view.pickView();
      const m = v.mvp;
      const cx = m[0] * p[0] + m[4] * p[1] + m[8] * p[2] + m[12];
      const cy = m[1] * p[0] + m[5] * p[1] + m[9] * p[2] + m[13];
      const cw = m[3] * p[0] + m[7] * p[1] + m[11] * p[2] + m[15];
      return [(cx / cw * 0.5 + 0.5) * v.width, (0.5 - cy / cw * 0.5) * v.height];
    },
  };
  Object.assign(hooks, benchmarkHooks(engine, view));
  (window as unknown as { __explorer: unknown }).__explorer = hooks;
  try {
    await load();
    if (query.get('autorun') === '1') await run();
  } catch (e) {
    showError((e as Error).message);
  }
}

void boot();
