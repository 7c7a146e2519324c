// Pointer interaction: hover tooltip, click → neighbours, box and lasso selection. Every pick runs on the GPU
// and reads back one index (or, for a box, one flag per point once on mouse-up).
import { pickNearest, selectInBox } from './gpu-kernels.js';
import type { Explorer } from './explorer.js';
import { combineSelection, selectInPolygon, thinPolygon } from './lasso.js';
import { cellText, selectionCsv } from './metadata.js';
import { $, imageFromValues, labelOf, numberInput, showError, thumbnail } from './ui.js';

/** The polygon (CSS pixels) the last lasso selected with, for the tests' CPU count. */
export let lastLasso: [number, number][] = [];

export function attachInteraction(ex: Explorer): void {
  const canvas = ex.view.canvas;
  const tooltip = $('tooltip');
  let picking = false;
  let pendingMove: [number, number] | null = null;
  let downAt: [number, number] | null = null;
  let mode: 'orbit' | 'box' | 'lasso' = 'orbit';
  let stroke: [number, number][] = [];

  const local = (ev: MouseEvent): [number, number] => {
    const r = canvas.getBoundingClientRect();
    return [ev.clientX - r.left, ev.clientY - r.top];
  };
  const pick = (at: [number, number]) => pickNearest(ex.engine, ex.view.positionBuffer, ex.view.colourBuffer, ex.n,
    ex.view.pickView(), at, Math.max(6, Number(ex.view.pointSize.value) * 1.5));

  // One pick in flight at a time; moves during it collapse into the latest position.
  async function hover(at: [number, number]): Promise<void> {
    if (picking) { pendingMove = at; return; }
    picking = true;
    try {
      const id = ex.n > 0 ? await pick(at) : -1;
      showTooltip(id, at);
    } finally {
      picking = false;
      if (pendingMove) { const next = pendingMove; pendingMove = null; void hover(next); }
    }
  }

  function showTooltip(id: number, at: [number, number]): void {
    if (id < 0 || !ex.data) { tooltip.hidden = true; return; }
    tooltip.replaceChildren();
    const src = thumbnail(ex.data, id);
    if (src) { const img = new Image(); img.src = src; img.alt = labelOf(ex.data, id); tooltip.append(img); }
    const text = document.createElement('div');
    text.textContent = `#${id} · ${labelOf(ex.data, id)}${ex.colourMode === 'value' && ex.values ? ` · ${ex.values[id].toPrecision(3)}` : ''}`;
    tooltip.append(text);
    // Every column of the row (the first 16; a 784-pixel table would fill the screen).
    const cols = ex.data.columns ?? [];
    if (cols.length) {
      const table = document.createElement('table');
      for (const c of cols.slice(0, 16)) {
        const tr = table.insertRow();
        tr.insertCell().textContent = c.name;
        tr.insertCell().textContent = cellText(c, id);
      }
      tooltip.append(table);
    }
    tooltip.dataset.id = String(id);
    tooltip.style.left = `${at[0] + 14}px`;
    tooltip.style.top = `${at[1] + 14}px`;
    tooltip.hidden = false;
  }

  /** Recommendation view: the k nearest items in the original data and in the map, and how many the map keeps. */
  async function select(id: number): Promise<void> {
    if (!ex.data) return;
    ex.clicked.push(id);
    const k = Math.max(1, Math.min(50, numberInput('knn-k', 8)));
    const inData = await ex.neighbours(id, k, 'data');
    const inMap = ex.result ? await ex.neighbours(id, k, 'map') : [];
    const kept = new Set(inData.filter((j) => inMap.includes(j)));
    ex.highlighted = new Set([id, ...inData]);
    ex.recolour();
    const fill = (list: HTMLElement, ids: number[]) => {
      list.replaceChildren();
      for (const j of ids) {
        const li = document.createElement('li');
        li.dataset.id = String(j);
        if (kept.has(j)) li.className = 'kept';
        const src = thumbnail(ex.data!, j);
        if (src) { const img = new Image(); img.src = src; li.append(img); }
        li.append(`#${j} ${labelOf(ex.data!, j)}`);
        li.onclick = () => void select(j);
        list.append(li);
      }
    };
    fill($('neighbours'), inData);
    fill($('map-neighbours'), inMap);
    $('kept').textContent = inMap.length ? `The map keeps ${kept.size} of the ${inData.length} nearest neighbours in the data.` : '';
    $('kept').dataset.kept = String(kept.size);
    $('neighbours-panel').hidden = false;
    $('neighbours-panel').querySelector('h2')!.textContent = `Nearest neighbours of #${id} (${labelOf(ex.data, id)})`;
  }

  const selectOp = (ev: MouseEvent) => (ev.shiftKey ? 'add' : ev.altKey ? 'subtract' : $<HTMLSelectElement>('select-op').value) as 'replace' | 'add' | 'subtract';
  const drawStroke = () => {
    $('lasso').hidden = stroke.length < 2;
    $('lasso-path').setAttribute('points', stroke.map(([x, y]) => `${x},${y}`).join(' '));
  };

  canvas.addEventListener('pointermove', (ev) => {
    const at = local(ev);
    if (mode === 'box' && downAt) {
      const box = $('box');
      box.hidden = false;
      Object.assign(box.style, { left: `${Math.min(at[0], downAt[0])}px`, top: `${Math.min(at[1], downAt[1])}px`,
        width: `${Math.abs(at[0] - downAt[0])}px`, height: `${Math.abs(at[1] - downAt[1])}px` });
      return;
    }
    if (mode === 'lasso' && downAt) {
      const last = stroke[stroke.length - 1];
      if (!last || Math.hypot(at[0] - last[0], at[1] - last[1]) >= 2) { stroke.push(at); drawStroke(); }
      return;
    }
    if (ev.buttons === 0) void hover(at);
  });
  canvas.addEventListener('pointerleave', () => { tooltip.hidden = true; });
  canvas.addEventListener('pointerdown', (ev) => { downAt = local(ev); stroke = mode === 'lasso' ? [downAt] : []; });
  canvas.addEventListener('pointerup', async (ev) => {
    const at = local(ev);
    const start = downAt;
    downAt = null;
    if (!start || ex.n === 0) return;
    try {
      if (mode === 'box' || mode === 'lasso') {
        $('box').hidden = true;
        let ids: number[];
        if (mode === 'box') {
          const box: [number, number, number, number] = [Math.min(at[0], start[0]), Math.min(at[1], start[1]), Math.max(at[0], start[0]), Math.max(at[1], start[1])];
          ids = await selectInBox(ex.engine, ex.view.positionBuffer, ex.view.colourBuffer, ex.n, ex.view.pickView(), box);
        } else {
          const polygon = thinPolygon(stroke);
          lastLasso = polygon;
          stroke = [];
          drawStroke();
          ids = await selectInPolygon(ex.engine, ex.view.positionBuffer, ex.view.colourBuffer, ex.n, ex.view.pickView(), polygon);
        }
        ex.select(combineSelection(ex.highlighted, ids, selectOp(ev)));
        return;
      }
      if (Math.hypot(at[0] - start[0], at[1] - start[1]) > 4) return; // a drag rotated the view
      const id = await pick(at);
      if (id >= 0) await select(id);
      else { ex.highlighted.clear(); ex.recolour(); $('neighbours-panel').hidden = true; }
    } catch (e) {
      showError((e as Error).message);
    }
  });

  const setMode = (m: typeof mode) => {
    mode = mode === m ? 'orbit' : m;
    ex.view.controls.enabled = mode === 'orbit';
    $('box-mode').classList.toggle('active', mode === 'box');
    $('lasso-mode').classList.toggle('active', mode === 'lasso');
  };
  $('box-mode').onclick = () => setMode('box');
  $('lasso-mode').onclick = () => setMode('lasso');
  $('clear-selection').onclick = () => ex.select([]);
  $('export').onclick = async () => {
    if (!ex.data) return;
    const ids = [...ex.highlighted].sort((a, b) => a - b);
    const e = ex.result?.embedding;
    const map = e && e !== ex.x && e.cols <= 3 ? { coords: Float32Array.from((await e.read()) as ArrayLike<number>), dims: e.cols } : undefined;
    const blob = new Blob([selectionCsv(ex.data, ids, map)], { type: 'text/csv' });
    const a = document.createElement('a');
    a.href = URL.createObjectURL(blob);
    a.download = 'selection.csv';
    a.click();
    URL.revokeObjectURL(a.href);
  };

  const showDecoded = async (decoded: { read(): Promise<ArrayLike<number>>; dispose(): void; rows: number; cols: number }) => {
    const values = Float32Array.from(await decoded.read());
    decoded.dispose();
    const side = Math.round(Math.sqrt(decoded.cols));
    const box = $('vae-images');
    box.replaceChildren();
    for (let r = 0; r < decoded.rows; r++) {
      const img = new Image();
      img.src = imageFromValues(values.subarray(r * decoded.cols, (r + 1) * decoded.cols), side, side);
      box.append(img);
    }
  };
  $('interpolate').onclick = async () => {
    const model = ex.result?.model;
    const [a, b] = ex.clicked.slice(-2);
    if (!model || !('interpolate' in model) || a === undefined || b === undefined) { showError('Click two points first (after a VAE run).'); return; }
    const za = ex.engine.empty([1, ex.result!.latent.cols]);
    const zb = ex.engine.empty([1, ex.result!.latent.cols]);
    ex.engine.copy(ex.result!.latent, za, za.size, a * za.size, 0);
    ex.engine.copy(ex.result!.latent, zb, zb.size, b * zb.size, 0);
    const decoded = model.interpolate(za, zb, 8);
    za.dispose(); zb.dispose();
    await showDecoded(decoded);
  };
  $('sample').onclick = async () => {
    const model = ex.result?.model;
    if (!model || !('sample' in model)) return;
    await showDecoded(model.sample(16, Date.now() & 0xffff));
  };
}
