// Boots the explorer: one WebGPU device shared by the latentgpu engine and the three.js renderer.
import { createEngine, type Engine, type Tensor } from '../../src/browser.js';
import { decodeDemoData, type Dataset } from './dataset.js';
import { Explorer, type ColourMode } from './explorer.js';
import { attachInteraction, lastLasso } from './interact.js';
import { missingFor, PIPELINES, type PipelineName, type PipelineParams } from './pipelines.js';
import { $, numberInput, setStatus, showError } from './ui.js';
import { WebGlScatter } from './webgl-view.js';
import { PointCloudView } from './view.js';
import { benchmarkHooks } from './bench-hooks.js';
import { metadataColumns, parseFilter } from './metadata.js';
import { decodeCamera, decodeIds, encodeCamera, stateQuery } from './url-state.js';

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

type WorkerMessage = { type: 'data'; data: Dataset } | { type: 'error'; error: string } | { type: 'header'; name: string; n: number; d: number }
  | { type: 'rows'; row0: number; x: Float32Array } | { type: 'done' };

/**
 * Parses a dropped file in a worker so the page stays responsive. A large .npy arrives in blocks
 * of rows: each is copied into the features and, given an engine, written straight into the GPU
 * tensor, with `progress` told the fraction read.
 */
function parseInWorker(file: File, engine?: Engine, progress?: (fraction: number) => void): Promise<{ data: Dataset; x?: Tensor }> {
  return new Promise((resolve, reject) => {
    const worker = new Worker(new URL('./parse-worker.ts', import.meta.url), { type: 'module' });
    let streamed: { data: Dataset; x?: Tensor } | null = null;
    const fail = (message: string) => { worker.terminate(); streamed?.x?.dispose(); reject(new Error(message)); };
    worker.onmessage = (ev: MessageEvent<WorkerMessage>) => {
      const m = ev.data;
      if (m.type === 'error') fail(m.error);
      else if (m.type === 'data') { worker.terminate(); resolve({ data: m.data }); }
      else if (m.type === 'header') {
        streamed = { data: { name: m.name, n: m.n, d: m.d, x: new Float32Array(m.n * m.d), classNames: [] } };
        if (engine) streamed.x = engine.empty([m.n, m.d], 'f32', 'demo.data');
      } else if (m.type === 'rows' && streamed) {
        const { data, x } = streamed;
        data.x!.set(m.x, m.row0 * data.d);
        if (x) engine!.queue.writeBuffer(x.buffer, m.row0 * data.d * 4, m.x as Float32Array<ArrayBuffer>);
        progress?.((m.row0 * data.d + m.x.length) / data.x!.length);
      } else if (m.type === 'done' && streamed) { worker.terminate(); resolve(streamed); }
    };
    worker.onerror = (ev) => fail(`the file parser stopped: ${ev.message}`);
    worker.postMessage({ file });
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

/** Without WebGPU: a WebGL 2 scatter of an embedding from a dropped or chosen file. */
function startFallback(): { points: number } {
  const state = { points: 0 };
  let scatter: WebGlScatter;
  try {
    scatter = new WebGlScatter($<HTMLCanvasElement>('fallback-canvas'));
  } catch (e) {
    $('fallback-status').textContent = (e as Error).message;
    return state;
  }
  const open = (file: File) => {
    $('fallback-status').textContent = `reading ${file.name}…`;
    parseInWorker(file).then(({ data }) => {
      scatter.show(data);
      state.points = data.n;
      $('fallback-status').textContent = `${data.name}: ${data.n.toLocaleString('en')} points drawn with WebGL 2`;
    }).catch((err: Error) => { $('fallback-status').textContent = err.message; });
  };
  window.addEventListener('dragover', (ev) => ev.preventDefault());
  window.addEventListener('drop', (ev) => { ev.preventDefault(); const f = ev.dataTransfer?.files[0]; if (f) open(f); });
  $<HTMLInputElement>('fallback-file').onchange = (ev) => { const f = (ev.target as HTMLInputElement).files?.[0]; if (f) open(f); };
  return state;
}

async function boot(): Promise<void> {
  let engine: Engine;
  try {
    engine = await createEngine();
  } catch (e) {
    $('app').hidden = true;
    $('nogpu').hidden = false;
    $('nogpu-reason').textContent = (e as Error).message;
    (window as unknown as { __explorer: unknown }).__explorer = { ready: false, noGpu: true, fallback: startFallback() };
    return;
  }
  const view = new PointCloudView(engine, $<HTMLCanvasElement>('canvas'));
  await view.init();
  const ex = new Explorer(engine, view);
  $('adapter').textContent = engine.description;
  view.onFrame = () => { $('fps').textContent = `${view.fps.toFixed(1)} fps`; };
  // Inputs restored from the address, under the same names they are written back with.
  const INPUTS = [['limit', 'limit'], ['iterations', 'iterations'], ['perplexity', 'perplexity'], ['pca-k', 'pca'], ['synth-d', 'd'],
    ['synth-k', 'k'], ['epochs', 'epochs'], ['latent', 'latent'], ['cluster-k', 'ck'], ['point-size', 'size'], ['filter', 'filter'], ['points-as', 'as']] as const;
  for (const [id, v] of INPUTS) if (query.get(v) !== null) $<HTMLInputElement>(id).value = query.get(v)!;
  view.pointSize.value = numberInput('point-size', 5);
  view.pointsAs = $<HTMLSelectElement>('points-as').value as typeof view.pointsAs;
  if (query.get('dims') === '2') $<HTMLInputElement>('flat').checked = true;
  if (query.get('density') === '1') $<HTMLInputElement>('density').checked = true;
  // Without a source in the address: Fashion-MNIST when its prepared file is there, else the mixture made on the GPU.
  const source = query.get('data') ?? (await fetch('./data/fashion-mnist.bin', { method: 'HEAD' }).then((r) => r.ok, () => false) ? 'fashion' : 'synthetic');
  $<HTMLSelectElement>('source').value = source;
  fillPipelines();
  attachInteraction(ex);
  let booting = true;

  /** Writes the state into the address (replaceState: no history entry per camera move). */
  let pending = 0;
  const saveState = () => {
    if (booting) return;
    clearTimeout(pending);
    pending = window.setTimeout(() => {
      const values: Record<string, string | number | undefined> = { data: $<HTMLSelectElement>('source').value };
      for (const [id, v] of INPUTS) values[v] = $<HTMLInputElement>(id).value;
      if ($<HTMLSelectElement>('source').value !== 'synthetic') { values.d = undefined; values.k = undefined; }
      Object.assign(values, {
        pipeline: $<HTMLSelectElement>('pipeline').value, dims: $<HTMLInputElement>('flat').checked ? 2 : 3,
        density: $<HTMLInputElement>('density').checked ? 1 : undefined,
        autorun: lastRun ? 1 : 0,
        colour: ex.colourMode, fcol: $<HTMLSelectElement>('filter-column').value, nameby: $<HTMLSelectElement>('name-by').value,
        cam: encodeCamera({ position: view.camera.position.toArray(), target: view.controls.target.toArray() }),
      });
      history.replaceState(null, '', `?${stateQuery(values, ex.highlighted)}`);
    }, 200);
  };
  let lastRun = false;
  ex.onChange = saveState;
  view.controls.addEventListener('change', saveState);
  for (const id of ['pipeline', 'source', 'flat', ...INPUTS.map(([i]) => i)]) $(id).addEventListener('change', saveState);

  /** Colour options for the columns of the data's table, and the filter's column choice. */
  const fillColumnOptions = () => {
    const cols = ex.data ? metadataColumns(ex.data) : [];
    const colour = $<HTMLSelectElement>('colour-mode');
    for (const o of [...colour.options]) if (o.value.startsWith('column:')) o.remove();
    for (const c of cols.slice(0, 100)) colour.append(new Option(`column: ${c.name}`, `column:${c.name}`));
    const fcol = $<HTMLSelectElement>('filter-column');
    fcol.replaceChildren(new Option('any column', ''), ...cols.slice(0, 100).map((c) => new Option(c.name, c.name)));
    // Clusters are named by the label column when there is one, else the first text column.
    const nameBy = $<HTMLSelectElement>('name-by');
    nameBy.replaceChildren(new Option('medoid only', ''), ...cols.slice(0, 100).map((c) => new Option(c.name, c.name)));
    const text = cols.filter((c) => c.strings);
    nameBy.value = (text.find((c) => /^(label|labels|class|target|category)$/i.test(c.name)) ?? text[0])?.name ?? '';
  };

  /** Applies the filter box (a regular expression over one column or all); a bad pattern is marked, not applied. */
  const applyFilter = () => {
    const box = $<HTMLInputElement>('filter');
    let re: RegExp | null = null;
    try { re = parseFilter(box.value); box.classList.remove('invalid'); } catch { box.classList.add('invalid'); return; }
    ex.filter(re, $<HTMLSelectElement>('filter-column').value || null);
  };

  const load = async () => {
    showError(null);
    const limit = Math.max(10, numberInput('limit', 10000));
    setStatus('loading…', 0);
    if ($<HTMLSelectElement>('source').value === 'synthetic') ex.setSynthetic(limit, numberInput('synth-d', 50), numberInput('synth-k', 10));
    else ex.setData(await loadFashion(limit));
    await shown();
  };
  /** After new data: the column choices, a PCA view at once, and the filter. */
  const shown = async () => {
    fillColumnOptions();
    setStatus(`${ex.data!.name}: ${ex.n} × ${ex.data!.d} loaded; PCA view…`, 0);
    await ex.preview(params().dims);
    view.setDensity($<HTMLInputElement>('density').checked);
    await engine.sync();
    setStatus(`${ex.data!.name}: ${ex.n} × ${ex.data!.d} loaded`, 0);
  };
  const run = async () => {
    lastRun = true;
    await ex.run($<HTMLSelectElement>('pipeline').value as PipelineName, params());
    saveState();
  };
  const guard = (f: () => Promise<void>) => () => f().catch((e: Error) => showError(e.message));
  $('load').onclick = guard(load);
  $('run').onclick = guard(run);
  $('stop').onclick = () => ex.pause();
  $('resume').onclick = () => ex.resume();
  $('fit').onclick = () => view.fitToView();
  $<HTMLInputElement>('flat').onchange = (ev) => view.setFlat((ev.target as HTMLInputElement).checked);
  $<HTMLInputElement>('density').onchange = () => { view.setDensity($<HTMLInputElement>('density').checked); saveState(); };
  $<HTMLSelectElement>('points-as').onchange = () => { view.pointsAs = $<HTMLSelectElement>('points-as').value as typeof view.pointsAs; };
  $<HTMLInputElement>('point-size').oninput = (ev) => { view.pointSize.value = Number((ev.target as HTMLInputElement).value); };
  $<HTMLSelectElement>('colour-mode').onchange = guard(() => ex.setColourMode($<HTMLSelectElement>('colour-mode').value as ColourMode));
  $<HTMLInputElement>('filter').oninput = applyFilter;
  $<HTMLSelectElement>('filter-column').onchange = () => { applyFilter(); saveState(); };
  $<HTMLSelectElement>('name-by').onchange = () => ex.recolour();

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
    ex.stop();
    parseInWorker(file, engine, (f) => setStatus(`reading ${file.name}: ${Math.round(100 * f)}%`, f)).then(async ({ data, x }) => {
      ex.setData(data, x);
      showError(null);
      await shown();
    }).catch((e: Error) => { setStatus('file not loaded'); showError(e.message); });
  });

  // Hooks for the browser tests and the render benchmark.
  const hooks = {
    ready: true, explorer: ex, view, engine, parseInWorker,
    get pointCount() { return ex.n; },
    get running() { return booting || ex.running !== null; },
    get lastLasso() { return lastLasso; },
    /** The drawn positions (vec4 per point) and the 2-D density grid, read back for the tests. */
    async rawBuffer(which: 'positions' | 'density'): Promise<number[]> {
      const src = which === 'positions' ? view.positionBuffer : view.densityBuffer;
      const buf = engine.empty([src.size / 4]);
      const enc = engine.device.createCommandEncoder();
      enc.copyBufferToBuffer(src.buffer, 0, buf.buffer, 0, src.size);
      engine.flush();
      engine.queue.submit([enc.finish()]);
      const v = Array.from((await buf.read()) as Float32Array);
      buf.dispose();
      return v;
    },
    /** Screen positions (CSS px) of every point, projected on the CPU in float64: the tests' reference. */
    async screenPositions(): Promise<[number, number][]> {
      const buf = engine.empty([ex.n * 4]);
      const enc = engine.device.createCommandEncoder();
      enc.copyBufferToBuffer(view.positionBuffer.buffer, 0, buf.buffer, 0, ex.n * 16);
      engine.flush();
      engine.queue.submit([enc.finish()]);
      const p = (await buf.read()) as Float32Array;
      buf.dispose();
      const { mvp: m, width, height } = view.pickView();
      return Array.from({ length: ex.n }, (_, i) => {
        const [x, y, z] = [p[4 * i], p[4 * i + 1], p[4 * i + 2]];
        const w = m[3] * x + m[7] * y + m[11] * z + m[15];
        return [((m[0] * x + m[4] * y + m[8] * z + m[12]) / w * 0.5 + 0.5) * width, (0.5 - (m[1] * x + m[5] * y + m[9] * z + m[13]) / w * 0.5) * height];
      });
    },
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
    const cam = decodeCamera(query.get('cam') ?? '');
    if (cam) { view.camera.position.set(...cam.position); view.controls.target.set(...cam.target); view.controls.update(); }
    if (query.get('nameby') !== null) $<HTMLSelectElement>('name-by').value = query.get('nameby')!;
    const colour = query.get('colour');
    if (colour && [...$<HTMLSelectElement>('colour-mode').options].some((o) => o.value === colour)) {
      $<HTMLSelectElement>('colour-mode').value = colour;
      await ex.setColourMode(colour as ColourMode);
    }
    if (query.get('fcol')) $<HTMLSelectElement>('filter-column').value = query.get('fcol')!;
    if ($<HTMLInputElement>('filter').value) applyFilter();
    if (query.get('sel')) ex.select(decodeIds(query.get('sel')!, ex.n));
    // The chosen pipeline unfolds from the PCA view unless the address says autorun=0.
    const running = query.get('autorun') === '0' ? null : run();
    booting = false;
    saveState();
    await running;
  } catch (e) {
    booting = false;
    showError((e as Error).message);
  }
}

void boot();
