// Lasso selection: the polygon drawn on screen, tested against every point on the GPU.
import { packUniforms, type BufferSlice, type Engine, type KernelSpec } from '../../src/browser.js';
import type { PickView } from './gpu-kernels.js';
import { idsFromBits } from './bits.js';
import lassoCode from './shaders/lasso_select.wgsl';

const WG = 64;
const lassoKernel: KernelSpec = { name: 'demo.lassoSelect', code: lassoCode, bindings: ['uniform', 'read', 'read', 'read', 'storage'] };

/** Most vertices a lasso keeps: longer strokes are thinned evenly (each point loops over them). */
export const MAX_LASSO_VERTICES = 256;

/** Thins a stroke to at most `max` vertices, keeping its first and last. */
export function thinPolygon(points: [number, number][], max = MAX_LASSO_VERTICES): [number, number][] {
  if (points.length <= max) return points.slice();
  const out: [number, number][] = [];
  for (let k = 0; k < max; k++) out.push(points[Math.round((k * (points.length - 1)) / (max - 1))]);
  return out;
}

/** Ids of the visible points whose screen position (CSS pixels) lies inside the polygon, ascending. */
export async function selectInPolygon(engine: Engine, positions: BufferSlice, colours: BufferSlice, n: number,
  v: PickView, polygon: [number, number][]): Promise<number[]> {
  if (polygon.length < 3 || n === 0) return [];
  const params = new Float32Array(18 + 2 * polygon.length);
  params.set(Array.from(v.mvp), 0);
  params.set([v.width, v.height], 16);
  polygon.forEach(([x, y], k) => params.set([x, y], 18 + 2 * k));
  const view = engine.tensor(params, [params.length], { label: 'demo.lassoView' });
  const words = Math.ceil(n / 32);
  const bits = engine.tensor(new Uint32Array(words), [words], { label: 'demo.lassoBits' });
  engine.dispatch(lassoKernel, {
    overrides: { WG },
    args: [packUniforms([['u32', n], ['u32', polygon.length], ['u32', 0], ['u32', 0]]), positions, colours, view, bits],
    workgroups: engine.grid(n, WG),
  });
  const got = (await bits.read()) as Uint32Array;
  view.dispose();
  bits.dispose();
  return idsFromBits(got);
}

/** Combines a new selection with the current one: replace, add (shift) or subtract (alt). */
export function combineSelection(current: Set<number>, ids: number[], op: 'replace' | 'add' | 'subtract'): Set<number> {
  if (op === 'replace') return new Set(ids);
  const out = new Set(current);
  for (const i of ids) if (op === 'add') out.add(i); else out.delete(i);
  return out;
}
