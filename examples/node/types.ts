// Type-checked with `skipLibCheck: false` (tsconfig.json): the shipped declarations must compile
// in a project that has neither @types/node nor a DOM-free lib set up for WebGPU.
import { createEngine, PCA, type Engine, type Tensor } from 'latentgpu';
import { createEngine as createBrowserEngine } from 'latentgpu/browser';

export async function firstComponents(rows: Float32Array, n: number, d: number): Promise<Float32Array> {
  const engine: Engine = await createEngine();
  const device: GPUDevice = engine.device;
  const x: Tensor = engine.tensor(rows, [n, d]);
  const pca = await PCA.fit(engine, x, { components: 2 });
  const out = (await pca.transform(x).read()) as Float32Array;
  console.log(device.label, typeof createBrowserEngine);
  engine.dispose();
  return out;
}
