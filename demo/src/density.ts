// Kernel density of the drawn points on the GPU: counts on a regular grid, a separable Gaussian
// blur, and a normalisation by the maximum, all recorded on the engine; nothing is read back.
// In 2-D the grid feeds the contour overlay; in 3-D each point's density sizes it.
import { packUniforms, reduce, type BufferSlice, type Engine, type KernelSpec, type Tensor } from '../../src/browser.js';
import splatCode from './shaders/density_splat.wgsl';
import blurCode from './shaders/density_blur.wgsl';
import normalizeCode from './shaders/density_normalize.wgsl';

const WG = 64;
const splatKernel: KernelSpec = { name: 'demo.densitySplat', code: splatCode, bindings: ['uniform', 'read', 'read', 'storage'] };
const blurKernel: KernelSpec = { name: 'demo.densityBlur', code: blurCode, bindings: ['uniform', 'read', 'storage'] };
const gridKernel: KernelSpec = { name: 'demo.densityGrid', code: normalizeCode, entryPoint: 'grid', bindings: ['uniform', 'read', 'read', 'storage'] };
const pointsKernel: KernelSpec = { name: 'demo.densityPoints', code: normalizeCode, entryPoint: 'points', bindings: ['uniform', 'read', 'read', 'storage'] };

/** Grid sides and blur widths (cells): 256² for contours in 2-D, 48³ for point sizes in 3-D. */
export const DENSITY_2D = { side: 256, sigma: 5, radius: 15 };
export const DENSITY_3D = { side: 48, sigma: 1.2, radius: 4 };

/** Largest element of a 1-D tensor (side² or side³ elements: a multiple of 256) on the GPU. */
const peakOf = (engine: Engine, t: Tensor): Tensor => reduce(engine, t.reshape([t.size / 256, 256]), 'max', 'all');

/**
 * Density of the visible points drawn from `positions` (vec4, in the view's [-1, 1] box). 2-D:
 * the normalised grid [side²] is written to `grid`. 3-D: each point's normalised density is
 * written to the w of its position.
 */
export function encodeDensity(engine: Engine, positions: BufferSlice, colours: BufferSlice, n: number, flat: boolean, grid: BufferSlice): void {
  const g = flat ? DENSITY_2D : DENSITY_3D;
  const [gx, gy, gz] = [g.side, g.side, flat ? 1 : g.side];
  const total = gx * gy * gz;
  const counts = engine.empty([total], 'f32', 'demo.densityCounts');
  engine.clear(counts);
  engine.dispatch(splatKernel, {
    overrides: { WG }, args: [packUniforms([['u32', n], ['u32', gx], ['u32', gy], ['u32', gz]]), positions, colours, counts],
    workgroups: engine.grid(n, WG),
  });
  let src = counts;
  for (let axis = 0; axis < (flat ? 2 : 3); axis++) {
    const dst = engine.empty([total], 'f32', 'demo.densityBlur');
    engine.dispatch(blurKernel, {
      overrides: { WG },
      args: [packUniforms([['u32', gx], ['u32', gy], ['u32', gz], ['u32', axis], ['u32', g.radius], ['u32', axis === 0 ? 1 : 0],
        ['f32', g.sigma], ['u32', 0]]), src, dst],
      workgroups: engine.grid(total, WG),
    });
    src.dispose();
    src = dst;
  }
  const peak = peakOf(engine, src);
  const params = packUniforms([['u32', flat ? total : n], ['u32', gx], ['u32', gy], ['u32', gz]]);
  if (flat) engine.dispatch(gridKernel, { overrides: { WG }, args: [params, src, peak, grid], workgroups: engine.grid(total / 4, WG) });
  else engine.dispatch(pointsKernel, { overrides: { WG }, args: [params, src, peak, positions], workgroups: engine.grid(n, WG) });
  src.dispose();
  peak.dispose();
  engine.flush();
}
