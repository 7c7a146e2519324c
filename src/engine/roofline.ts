/**
 * Reference GPUs for a roofline estimate (Williams, Waterman & Patterson, 2009): a dispatch takes at
 * least max(FLOPs / peak, bytes / bandwidth), plus a launch cost, and a dispatch with fewer
 * invocations than the GPU keeps resident cannot reach its peak. Figures are the vendors' published
 * fp32 peak without tensor cores and memory bandwidth.
 */
export interface ReferenceGpu {
  name: string;
  /** fp32 peak, FLOP/s. */
  flops: number;
  /** Memory bandwidth, bytes/s. */
  bandwidth: number;
  /** Cost of one dispatch through Dawn's Vulkan/Metal/D3D12 path, seconds. */
  launch: number;
  /** Threads the GPU keeps resident at once: fewer invocations leave lanes idle. */
  resident: number;
}

export const REFERENCE_GPUS: readonly ReferenceGpu[] = [
  // 132 SMs × 2,048 threads.
  { name: 'H200', flops: 67e12, bandwidth: 4.8e12, launch: 4e-6, resident: 132 * 2048 },
  // 128 SMs × 1,536 threads.
  { name: 'RTX 4090', flops: 82.6e12, bandwidth: 1.008e12, launch: 4e-6, resident: 128 * 1536 },
  // 10 GPU cores × 128 ALUs × ~8 resident SIMD groups each (Apple does not publish occupancy).
  { name: 'Apple M2', flops: 3.6e12, bandwidth: 100e9, launch: 8e-6, resident: 10 * 1024 },
  // 96 EUs × 7 hardware threads × SIMD8.
  { name: 'Iris Xe', flops: 2.1e12, bandwidth: 68e9, launch: 8e-6, resident: 96 * 7 * 8 },
];

export function referenceGpu(name: string): ReferenceGpu {
  const g = REFERENCE_GPUS.find((x) => x.name.toLowerCase() === name.toLowerCase());
  if (!g) throw new RangeError(`no reference GPU "${name}" (have ${REFERENCE_GPUS.map((x) => x.name).join(', ')})`);
  return g;
}

export type Bound = 'compute' | 'memory' | 'launch';

/** Predicted seconds for one dispatch, and what bounds it. */
export function predictDispatch(gpu: ReferenceGpu, flops: number, bytes: number, invocations: number): { seconds: number; bound: Bound } {
  const occupancy = Math.min(1, Math.max(invocations, 1) / gpu.resident);
  const compute = flops / (gpu.flops * occupancy);
  const memory = bytes / (gpu.bandwidth * Math.max(occupancy, 0.25));
  const work = Math.max(compute, memory);
  const bound: Bound = work < gpu.launch ? 'launch' : compute >= memory ? 'compute' : 'memory';
  return { seconds: work + gpu.launch, bound };
}

/** Whether a dispatch of this many invocations leaves most of the GPU idle. */
export function tooSmall(gpu: ReferenceGpu, invocations: number): boolean {
  return invocations < gpu.resident / 4;
}
