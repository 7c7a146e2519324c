/// <reference types="@webgpu/types" preserve="true" />
/// <reference lib="esnext.disposable" preserve="true" />
/** latentgpu in the browser: `createEngine()` takes its device from `navigator.gpu`. */
import { Engine, type EngineOptions } from './engine/engine.js';
import { requestBrowserGpu } from './gpu/browser.js';
import { indexedDbTuneStore } from './gpu/tune-store-browser.js';
import type { GpuRequest } from './gpu/types.js';

export * from './core.js';
export { requestBrowserGpu } from './gpu/browser.js';

export async function createEngine(options: EngineOptions & GpuRequest = {}): Promise<Engine> {
  return new Engine(await requestBrowserGpu(options), { ...options, tuning: { store: indexedDbTuneStore(), ...options.tuning } });
}
