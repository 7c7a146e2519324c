/// <reference types="@webgpu/types" preserve="true" />
/// <reference lib="esnext.disposable" preserve="true" />
/**
 * latentgpu for Node: `createEngine()` finds a WebGPU device (hardware, llvmpipe or SwiftShader)
 * and everything else works the same as in the browser build (`latentgpu/browser`).
 */
import { Engine, type EngineOptions } from './engine/engine.js';
import { requestNodeGpu } from './gpu/node.js';
import { fileTuneStore } from './gpu/tune-store-node.js';
import type { GpuRequest } from './gpu/types.js';

export * from './core.js';
export { requestNodeGpu, SWIFTSHADER_ICD } from './gpu/node.js';
export { fileTuneStore, cacheDir } from './gpu/tune-store-node.js';
// Files (Node only): data sets, NPY/CSV/IDX in, NPY/CSV/projector and PNG plots out.
export { loadFashionMnist, FASHION_MNIST_CLASSES, type LabelledImages } from './io/fashion-mnist.js';
export { loadDataset, type Dataset, type LoadOptions } from './io/dataset.js';
export { loadDatasetAsync } from './io/load.js';
export type { DatasetMetadata } from './io/columnar.js';
export { readNpyMatrix, encodeNpy } from './io/npy.js';
export { parseIdx } from './io/idx.js';
export { writeTable, type OutputTable } from './io/write.js';
export { renderScatter, type ScatterOptions } from './io/plot.js';

let warned = false;

/** Creates an engine on the best WebGPU adapter of this machine (see `requestNodeGpu`). */
export async function createEngine(options: EngineOptions & GpuRequest = {}): Promise<Engine> {
  const ctx = await requestNodeGpu({
    adapter: options.adapter,
    onWarning: options.onWarning ?? ((m) => { if (!warned) { warned = true; console.warn(m); } }),
  });
  return new Engine(ctx, { ...options, tuning: { store: fileTuneStore(), ...options.tuning } });
}
