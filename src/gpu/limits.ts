/**
 * Limits latentgpu asks for. Compatibility mode hands out small defaults (128 invocations per
 * workgroup), so everything the adapter offers for compute is requested explicitly.
 */
const COMPUTE_LIMITS = [
  'maxComputeInvocationsPerWorkgroup',
  'maxComputeWorkgroupSizeX',
  'maxComputeWorkgroupSizeY',
  'maxComputeWorkgroupSizeZ',
  'maxComputeWorkgroupStorageSize',
  'maxComputeWorkgroupsPerDimension',
  'maxStorageBufferBindingSize',
  'maxBufferSize',
  'maxStorageBuffersPerShaderStage',
  'maxUniformBufferBindingSize',
  'maxBindingsPerBindGroup',
] as const;

export function requiredLimits(adapter: GPUAdapter): Record<string, number> {
  const out: Record<string, number> = {};
  for (const name of COMPUTE_LIMITS) {
    const v = (adapter.limits as unknown as Record<string, number | undefined>)[name];
    if (typeof v === 'number') out[name] = v;
  }
  return out;
}

/** Optional features that some kernels or the renderer can use when present. */
export function wantedFeatures(adapter: GPUAdapter): GPUFeatureName[] {
  const wanted: GPUFeatureName[] = ['timestamp-query', 'shader-f16', 'subgroups' as GPUFeatureName,
    'float32-filterable', 'indirect-first-instance'];
  return wanted.filter((f) => adapter.features.has(f));
}

export function describeAdapter(adapter: GPUAdapter): string {
  const info = adapter.info as GPUAdapterInfo | undefined;
  const parts = [info?.vendor, info?.architecture, info?.device, info?.description]
    .filter((s): s is string => typeof s === 'string' && s.length > 0);
  return [...new Set(parts)].join(' ') || 'unknown adapter';
}
