// Small DOM helpers: element lookup, thumbnails, legend, status.
import type { Dataset } from './dataset.js';
import { classColour, cssColour } from './colours.js';

export const $ = <T extends HTMLElement = HTMLElement>(id: string) => document.getElementById(id) as T;

export function numberInput(id: string, fallback: number): number {
  const v = Number($<HTMLInputElement>(id).value);
  return Number.isFinite(v) ? v : fallback;
}

/** A data URL of row i's image, or undefined when the data set has no images. */
export function thumbnail(data: Dataset, i: number): string | undefined {
  if (!data.images) return undefined;
  const { pixels, width, height } = data.images;
  const canvas = document.createElement('canvas');
  canvas.width = width;
  canvas.height = height;
  const ctx = canvas.getContext('2d')!;
  const img = ctx.createImageData(width, height);
  for (let p = 0; p < width * height; p++) {
    const v = pixels[i * width * height + p];
    img.data.set([v, v, v, 255], p * 4);
  }
  ctx.putImageData(img, 0, 0);
  return canvas.toDataURL();
}

/** A data URL of a decoded f32 image in [0, 1]. */
export function imageFromValues(values: Float32Array, width: number, height: number): string {
  const canvas = document.createElement('canvas');
  canvas.width = width;
  canvas.height = height;
  const ctx = canvas.getContext('2d')!;
  const img = ctx.createImageData(width, height);
  for (let p = 0; p < width * height; p++) {
    const v = Math.round(255 * Math.min(1, Math.max(0, values[p])));
    img.data.set([v, v, v, 255], p * 4);
  }
  ctx.putImageData(img, 0, 0);
  return canvas.toDataURL();
}

export function labelOf(data: Dataset, i: number): string {
  if (!data.labels) return 'unlabelled';
  return data.classNames[data.labels[i]] ?? `class ${data.labels[i]}`;
}

export interface LegendEntry { id: number; name: string; count: number; /** A data URL shown beside the name. */ image?: string }

/** A legend of categories; a click toggles a category's visibility, a double-click selects its members. */
export function renderLegend(entries: LegendEntry[], hidden: Set<number>, onToggle: (id: number) => void,
  onSelect: (id: number) => void): void {
  const legend = $('legend');
  legend.replaceChildren();
  for (const e of entries) {
    const row = document.createElement('div');
    row.className = hidden.has(e.id) ? 'off' : '';
    row.dataset.category = String(e.id);
    const sw = document.createElement('span');
    sw.className = 'swatch';
    sw.style.background = cssColour(classColour(e.id));
    row.append(sw);
    if (e.image) { const img = new Image(); img.src = e.image; img.className = 'medoid'; row.append(img); }
    row.append(`${e.name} (${e.count})`);
    row.onclick = () => onToggle(e.id);
    row.ondblclick = () => onSelect(e.id);
    row.title = 'click: hide/show · double-click: select';
    legend.append(row);
  }
}

export function renderRampLegend(title: string, lo: string, hi: string): void {
  const legend = $('legend');
  legend.innerHTML = '';
  const t = document.createElement('div');
  t.textContent = title;
  const ramp = document.createElement('div');
  ramp.className = 'ramp';
  const ends = document.createElement('div');
  ends.style.justifyContent = 'space-between';
  ends.append(lo, hi);
  legend.append(t, ramp, ends);
}

export function showError(message: string | null): void {
  const el = $('error');
  el.hidden = message === null;
  el.textContent = message ?? '';
}

export function setStatus(text: string, fraction?: number): void {
  $('status').textContent = text;
  if (fraction !== undefined) $<HTMLProgressElement>('progress').value = fraction;
}
