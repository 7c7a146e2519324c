import type { AdapterKind } from './types.js';

/**
 * What differs between adapters, in one place. Kernels and the variant chooser read these instead of
 * testing the adapter's name.
 */
export interface AdapterTraits {
  kind: AdapterKind;
  /** A CPU rasteriser (llvmpipe, SwiftShader): one invocation is one SIMD lane on a CPU core. */
  isSoftware: boolean;
  /**
   * Most loop iterations one invocation may run, all loops together; 2^24 where there is no
   * such limit (a large finite number, so it can still size a uniform). Mesa's llvmpipe silently stops an invocation's loops after 65,535 iterations in total
   * (measured here: one loop of 70,000 stops at 65,535; two of 40,000 at 65,534), so kernels stay
   * under this budget there and the host splits longer work into several dispatches.
   */
  loopBudget: number;
  /**
   * Whether long K loops should be split so one workgroup's slice of an operand stays in a CPU
   * core's cache (llvmpipe: 2–3× on large K); pointless on a GPU, where it only re-reads C.
   */
  cacheSizedSplits: boolean;
  /** Workgroup barriers are cheap (GPUs) rather than a thread switch (CPU rasterisers). */
  cheapBarriers: boolean;
  /** The `subgroups` feature is enabled on the device (WGSL `enable subgroups;`). */
  subgroups: boolean;
  /** The device can time passes with `timestamp-query`. */
  timestamps: boolean;
  /** The `shader-f16` feature is enabled on the device. */
  f16: boolean;
  /** Bytes of workgroup memory a kernel may use. */
  workgroupStorage: number;
  /** Most invocations in one workgroup. */
  maxInvocations: number;
  /** A key naming adapter and driver, under which tuning results are cached. */
  key: string;
}

/** The loop budget on llvmpipe: half its 65,535 limit, leaving room for a kernel's bookkeeping loops. */
export const LLVMPIPE_LOOP_BUDGET = 32_768;
/** The budget where loops are not limited: finite, so that it fits a u32 uniform and sizes a split. */
export const UNBOUNDED_LOOPS = 1 << 24;

export function adapterTraits(kind: AdapterKind, isSoftware: boolean, device: GPUDevice, description: string): AdapterTraits {
  const features = device.features;
  const llvmpipe = kind === 'llvmpipe' || /llvmpipe|lavapipe/i.test(description);
  return {
    kind,
    isSoftware,
    loopBudget: llvmpipe ? LLVMPIPE_LOOP_BUDGET : UNBOUNDED_LOOPS,
    cacheSizedSplits: llvmpipe,
    cheapBarriers: !isSoftware,
    subgroups: features.has('subgroups' as GPUFeatureName),
    timestamps: features.has('timestamp-query'),
    f16: features.has('shader-f16'),
    workgroupStorage: device.limits.maxComputeWorkgroupStorageSize,
    maxInvocations: device.limits.maxComputeInvocationsPerWorkgroup,
    key: `${kind}|${description}`,
  };
}

/** Traits with one field changed, e.g. a test that fakes a loop budget on an adapter without one. */
export function withTraits(t: AdapterTraits, change: Partial<AdapterTraits>): AdapterTraits {
  return { ...t, ...change };
}
