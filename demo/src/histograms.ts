// Linked histograms of a table's numeric columns: all rows in grey, the rows shown now (filter and
// brushes) in colour; dragging across one brushes a range of that column, which filters the view.
import type { Column } from './dataset.js';

export const BINS = 24;

/** Finite minimum and maximum of a column (equal ends widened so that bins have a width). */
export function columnRange(values: Float32Array): [number, number] {
  let lo = Infinity, hi = -Infinity;
  for (const v of values) { if (v < lo) lo = v; if (v > hi) hi = v; }
  if (!(hi > lo)) hi = lo + 1;
  return [lo, hi];
}

/** Counts per bin over [lo, hi] (the top edge falls in the last bin), of the rows with mask 1 when a mask is given. */
export function histogram(values: Float32Array, lo: number, hi: number, bins = BINS, mask?: Uint8Array | null): Uint32Array {
  const out = new Uint32Array(bins);
  for (let i = 0; i < values.length; i++) {
    if (mask && !mask[i]) continue;
    const b = Math.min(bins - 1, Math.max(0, Math.floor(((values[i] - lo) / (hi - lo)) * bins)));
    out[b]++;
  }
  return out;
}

/** 1 for rows whose value lies in the closed range [a, b]. */
export function rangeMask(values: Float32Array, [a, b]: [number, number]): Uint8Array {
  return Uint8Array.from(values, (v) => (v >= a && v <= b ? 1 : 0));
}

/** Rows kept by every mask (null masks keep all); null when there is none. */
export function intersectMasks(n: number, masks: (Uint8Array | null)[]): Uint8Array | null {
  const real = masks.filter((m): m is Uint8Array => m !== null);
  if (real.length === 0) return null;
  const out = new Uint8Array(n).fill(1);
  for (const m of real) for (let i = 0; i < n; i++) out[i] &= m[i];
  return out;
}

/**
 * Draws one histogram per numeric column (the first `max`) into `host`; `onBrush(name, range)`
 * is told a dragged range in the column's units, or null for a click that clears it.
 */
export function renderHistograms(host: HTMLElement, columns: Column[], shown: Uint8Array | null, brushes: Map<string, [number, number]>,
  onBrush: (name: string, range: [number, number] | null) => void, max = 8): void {
  host.replaceChildren();
  for (const col of columns.filter((c) => c.numbers).slice(0, max)) {
    const values = col.numbers!;
    const [lo, hi] = columnRange(values);
    const all = histogram(values, lo, hi);
    const visible = histogram(values, lo, hi, BINS, shown);
    const box = document.createElement('div');
    box.className = 'histogram';
    const title = document.createElement('div');
    title.textContent = `${col.name} ${lo.toPrecision(3)} … ${hi.toPrecision(3)}`;
    const canvas = document.createElement('canvas');
    canvas.width = 250;
    canvas.height = 44;
    canvas.dataset.column = col.name;
    canvas.dataset.range = `${lo},${hi}`;
    canvas.dataset.counts = Array.from(visible).join(',');
    const ctx = canvas.getContext('2d')!;
    const peak = Math.max(1, ...all);
    const w = canvas.width / BINS;
    all.forEach((c, b) => {
      ctx.fillStyle = '#3a4552';
      ctx.fillRect(b * w + 1, canvas.height * (1 - c / peak), w - 2, canvas.height * (c / peak));
      ctx.fillStyle = '#6fa3d8';
      ctx.fillRect(b * w + 1, canvas.height * (1 - visible[b] / peak), w - 2, canvas.height * (visible[b] / peak));
    });
    const brush = brushes.get(col.name);
    const toX = (v: number) => ((v - lo) / (hi - lo)) * canvas.width;
    if (brush) {
      ctx.fillStyle = '#ffd34d33';
      ctx.fillRect(toX(brush[0]), 0, toX(brush[1]) - toX(brush[0]), canvas.height);
    }
    let from: number | null = null;
    const valueAt = (ev: PointerEvent) => {
      const r = canvas.getBoundingClientRect();
      return lo + (Math.min(r.width, Math.max(0, ev.clientX - r.left)) / r.width) * (hi - lo);
    };
    canvas.onpointerdown = (ev) => { from = valueAt(ev); canvas.setPointerCapture(ev.pointerId); };
    canvas.onpointerup = (ev) => {
      if (from === null) return;
      const to = valueAt(ev);
      const start = from;
      from = null;
      onBrush(col.name, Math.abs(to - start) < (hi - lo) / 100 ? null : [Math.min(start, to), Math.max(start, to)]);
    };
    box.append(title, canvas);
    host.append(box);
  }
}
