import type { GpuContext, GpuRequest } from './types.js';
import { NoAdapterError } from './types.js';
import { describeAdapter, requiredLimits, wantedFeatures } from './limits.js';

/** Gets a device from `navigator.gpu`, with a message that says what is missing when it is not there. */
export async function requestBrowserGpu(request: GpuRequest = {}): Promise<GpuContext> {
  const gpu = (globalThis as { navigator?: { gpu?: GPU } }).navigator?.gpu;
  if (!gpu) {
    throw new NoAdapterError(
      'This browser does not expose WebGPU (navigator.gpu is missing). Use a recent Chrome, Edge or ' +
      'Chromium (Linux: --enable-unsafe-webgpu), Safari 26+ or Firefox 141+, and serve the page over https or localhost.', []);
  }
  const adapter = await gpu.requestAdapter({ powerPreference: 'high-performance' });
  if (!adapter) {
    throw new NoAdapterError('WebGPU is present but offered no adapter (the GPU may be blocklisted; try chrome://gpu).',
      [{ kind: 'browser', ok: false, reason: 'requestAdapter returned null' }]);
  }
  const description = describeAdapter(adapter);
  const device = await adapter.requestDevice({
    requiredLimits: requiredLimits(adapter),
    requiredFeatures: wantedFeatures(adapter),
    label: 'latentgpu:browser',
  });
  const isSoftware = /swiftshader|llvmpipe|lavapipe/i.test(description) ||
    Boolean((adapter.info as GPUAdapterInfo & { isFallbackAdapter?: boolean }).isFallbackAdapter);
  if (isSoftware) request.onWarning?.(`latentgpu: WebGPU runs on a software adapter (${description}).`);
  return {
    device, kind: 'browser', description, isSoftware, featureLevel: 'core',
    tried: [{ kind: 'browser', ok: true, reason: description }],
    release: () => device.destroy(),
  };
}
