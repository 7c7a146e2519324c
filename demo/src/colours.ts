/** Class colours (Tableau 10, then a second ring) as rgb in [0, 1]. */
const PALETTE = [
  '#4e79a7', '#f28e2b', '#e15759', '#76b7b2', '#59a14f', '#edc948', '#b07aa1', '#ff9da7', '#9c755f', '#bab0ac',
  '#1f77b4', '#ff7f0e', '#2ca02c', '#d62728', '#9467bd', '#8c564b', '#e377c2', '#7f7f7f', '#bcbd22', '#17becf',
].map((h) => [1, 3, 5].map((i) => parseInt(h.slice(i, i + 2), 16) / 255) as [number, number, number]);

export function classColour(c: number): [number, number, number] {
  return PALETTE[c % PALETTE.length];
}

export function cssColour(rgb: [number, number, number]): string {
  return `rgb(${rgb.map((v) => Math.round(v * 255)).join(',')})`;
}

/** A perceptual dark-blue → yellow ramp (viridis endpoints and midpoints), t in [0, 1]. */
const RAMP: [number, number, number][] = [[0.267, 0.005, 0.329], [0.231, 0.322, 0.545], [0.129, 0.569, 0.549],
  [0.369, 0.788, 0.384], [0.993, 0.906, 0.144]];
export function rampColour(t: number): [number, number, number] {
  const x = Math.min(1, Math.max(0, t)) * (RAMP.length - 1);
  const i = Math.min(RAMP.length - 2, Math.floor(x));
  const f = x - i;
  return [0, 1, 2].map((c) => RAMP[i][c] * (1 - f) + RAMP[i + 1][c] * f) as [number, number, number];
}

export interface ColourInput {
  n: number;
  /** Category per point (labels or clusters) — used when `values` is absent. */
  categories?: Uint32Array;
  /** A number per point, shown on the ramp between its 1st and 99th percentile. */
  values?: Float32Array;
  hidden: Set<number>;
  /** Per point, 0 hides it (a filter), whatever its category. */
  mask?: Uint8Array;
  /** Ids drawn larger; when non-empty, the others are dimmed. */
  highlighted: Set<number>;
}

/** Per-point rgba for the view; alpha is 0 hidden, 1 normal, 2 highlighted. */
export function pointColours(c: ColourInput): Float32Array {
  const out = new Float32Array(c.n * 4);
  let lo = 0, hi = 1;
  if (c.values) {
    const sorted = Float32Array.from(c.values).sort();
    lo = sorted[Math.floor(0.01 * (c.n - 1))];
    hi = sorted[Math.floor(0.99 * (c.n - 1))];
    if (hi <= lo) hi = lo + 1;
  }
  const dim = c.highlighted.size > 0;
  for (let i = 0; i < c.n; i++) {
    const cat = c.categories ? c.categories[i] : 0;
    let rgb = c.values ? rampColour((c.values[i] - lo) / (hi - lo)) : c.categories ? classColour(cat) : [0.55, 0.75, 1.0] as [number, number, number];
    let a = 1;
    if (c.categories && !c.values && c.hidden.has(cat)) a = 0;
    if (c.mask && !c.mask[i]) a = 0;
    if (c.highlighted.has(i)) a = 2;
    else if (dim) rgb = rgb.map((v) => v * 0.35) as [number, number, number];
    out.set([rgb[0], rgb[1], rgb[2], a], i * 4);
  }
  return out;
}
