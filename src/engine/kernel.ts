/**
 * How a kernel declares itself to the engine. Each `src/kernels/<name>.ts` exports one of these
 * next to a small function that computes its dispatch; the WGSL lives in `shaders/<name>.wgsl`.
 *
 * Bindings are all in group 0, numbered in the order given here. A WGSL kernel reads its shape
 * parameters from a `uniform` binding (packed by `packUniforms`) and its tile sizes from
 * `override` constants, so one compiled pipeline serves every size.
 */
/**
 * Most loop iterations one invocation may run, all loops together. Mesa's llvmpipe stops every
 * loop of an invocation after 65,535 iterations in total (its loop limiter, measured here: one loop
 * of 70,000 stops at 65,535; two of 40,000 at 65,534), silently. Kernels keep each invocation's
 * loops under this budget and the host splits longer work into several dispatches.
 */
export const LOOP_BUDGET = 32_768;

export type BindingKind = 'uniform' | 'read' | 'storage';

export interface KernelSpec {
  /** Label used for pipelines, bind groups and in error messages, e.g. "matmul.tiled". */
  readonly name: string;
  readonly code: string;
  readonly entryPoint?: string;
  readonly bindings: readonly BindingKind[];
}

export type OverrideValues = Readonly<Record<string, number>>;

/** The typed key under which a pipeline is cached: kernel, entry point and overrides in sorted order. */
export function pipelineKey(spec: KernelSpec, overrides: OverrideValues = {}): string {
  const o = Object.keys(overrides).sort().map((k) => `${k}=${overrides[k]}`).join(',');
  return `${spec.name}#${spec.entryPoint ?? 'main'}{${o}}`;
}

export function layoutKey(bindings: readonly BindingKind[]): string {
  return bindings.join(',');
}

export type UniformField = 'u32' | 'i32' | 'f32';

/**
 * Packs scalars into a uniform block laid out like a WGSL struct of scalar fields in the same
 * order (4 bytes each, the block padded to 16 bytes).
 */
export function packUniforms(fields: ReadonlyArray<readonly [UniformField, number]>): ArrayBuffer {
  const bytes = Math.max(16, Math.ceil((fields.length * 4) / 16) * 16);
  const buf = new ArrayBuffer(bytes);
  const view = new DataView(buf);
  fields.forEach(([type, value], i) => {
    if (type === 'f32') view.setFloat32(i * 4, value, true);
    else if (type === 'i32') view.setInt32(i * 4, value, true);
    else {
      if (!(value >= 0 && value <= 0xffffffff) || !Number.isInteger(value)) {
        throw new RangeError(`uniform field ${i} must be a u32, got ${value}`);
      }
      view.setUint32(i * 4, value, true);
    }
  });
  return buf;
}
