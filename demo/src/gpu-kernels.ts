// The explorer's own small kernels (display layout, synthetic data, picking); the reductions
// themselves come from the library.
import { packUniforms, type BufferSlice, type Engine, type KernelSpec, type Tensor } from '../../src/browser.js';
import packCode from './shaders/pack_positions.wgsl';
import mixtureCode from './shaders/synthetic_mixture.wgsl';
import pickCode from './shaders/pick_points.wgsl';
import { idsFromBits } from './bits.js';

const WG = 64;
const packKernel: KernelSpec = { name: 'demo.packPositions', code: packCode, bindings: ['uniform', 'read', 'read', 'read', 'storage'] };
const mixtureKernel: KernelSpec = { name: 'demo.syntheticMixture', code: mixtureCode, bindings: ['uniform', 'storage'] };
const pickBindings = ['uniform', 'read', 'read', 'read', 'storage'] as const;
const nearestKernel: KernelSpec = { name: 'demo.pickNearest', code: pickCode, entryPoint: 'nearest', bindings: pickBindings };
const ownerKernel: KernelSpec = { name: 'demo.pickOwner', code: pickCode, entryPoint: 'owner', bindings: pickBindings };
const boxKernel: KernelSpec = { name: 'demo.boxSelect', code: pickCode, entryPoint: 'inBox', bindings: pickBindings };

/** Records the copy of `embedding` [n, dims] into the renderer's vec4 buffer, scaled by [lo, hi]. */
export function encodePackPositions(engine: Engine, embedding: Tensor, lo: Tensor, hi: Tensor, dst: BufferSlice, flat: boolean): void {
  const [n, dims] = [embedding.rows, embedding.cols];
  engine.dispatch(packKernel, {
    overrides: { WG },
    args: [packUniforms([['u32', n], ['u32', dims], ['u32', flat ? 1 : 0], ['u32', 0]]), embedding, lo, hi, dst],
    workgroups: engine.grid(n, WG),
  });
}

export interface MixtureOptions { n: number; d: number; k: number; seed: number; spread?: number; sigma?: number }

/** A Gaussian mixture [n, d] generated on the GPU; row i belongs to cluster i % k. */
export function syntheticMixture(engine: Engine, o: MixtureOptions): Tensor {
  const x = engine.empty([o.n, o.d], 'f32', 'demo.synthetic');
  engine.dispatch(mixtureKernel, {
    overrides: { WG },
    args: [packUniforms([['u32', o.n], ['u32', o.d], ['u32', o.k], ['u32', o.seed >>> 0], ['f32', o.spread ?? 3],
      ['f32', o.sigma ?? 1], ['u32', o.n * o.d], ['u32', 0]]), x],
    workgroups: engine.grid(o.n * o.d, WG),
  });
  return x;
}

/** Camera state the picking kernels need: column-major MVP, viewport and mouse in CSS pixels. */
export interface PickView { mvp: ArrayLike<number>; width: number; height: number }

function viewArgs(engine: Engine, v: PickView, mouse: [number, number], radius: number, box: number[]): Tensor {
  const params = new Float32Array(25);
  params.set(Array.from(v.mvp), 0);
  params.set([mouse[0], mouse[1], v.width, v.height, radius, ...box], 16);
  return engine.tensor(params, [25], { label: 'demo.pickView' });
}

/**
 * The index of the visible point nearest to the mouse within `radius` pixels, or -1. Two dispatches
 * over all points and a read of two u32s: nothing proportional to n crosses back to the CPU.
 */
export async function pickNearest(engine: Engine, positions: BufferSlice, colours: BufferSlice, n: number,
  v: PickView, mouse: [number, number], radius: number): Promise<number> {
  const view = viewArgs(engine, v, mouse, radius, [0, 0, 0, 0]);
  const out = engine.tensor(new Uint32Array([0xffffffff, 0xffffffff]), [2], { label: 'demo.pickOut' });
  const uniforms = packUniforms([['u32', n], ['u32', 0], ['u32', 0], ['u32', 0]]);
  for (const k of [nearestKernel, ownerKernel]) {
    engine.dispatch(k, { overrides: { WG }, args: [uniforms, positions, colours, view, out], workgroups: engine.grid(n, WG) });
  }
  const got = (await out.read()) as Uint32Array;
  view.dispose();
  out.dispose();
  return got[1] === 0xffffffff ? -1 : got[1];
}

/** Ids of the visible points whose screen position lies in the rectangle (CSS pixels), ascending. */
export async function selectInBox(engine: Engine, positions: BufferSlice, colours: BufferSlice, n: number,
  v: PickView, box: [number, number, number, number]): Promise<number[]> {
  const view = viewArgs(engine, v, [0, 0], 0, box);
  const flags = engine.tensor(new Uint32Array(Math.ceil(n / 32)), [Math.ceil(n / 32)], { label: 'demo.boxBits' });
  engine.dispatch(boxKernel, {
    overrides: { WG },
    args: [packUniforms([['u32', n], ['u32', 0], ['u32', 0], ['u32', 0]]), positions, colours, view, flags],
    workgroups: engine.grid(n, WG),
  });
  const got = (await flags.read()) as Uint32Array;
  view.dispose();
  flags.dispose();
  return idsFromBits(got);
}
