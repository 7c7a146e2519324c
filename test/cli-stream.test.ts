import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Engine } from '../src/index.js';
import { readNpyMatrix } from '../src/io/npy.js';
import { blobs, runCli, tempDir, writeFormats } from './cli-helpers.js';
import { getEngine } from './helpers.js';

const dir = tempDir();
const at = (f: string) => join(dir, f);
// 100 rows × 200 columns: 78 KiB of float32, more than the 64 KiB "GPU buffer" of the engine below
// (while the 200 × 200 covariance and t-SNE's 100 × 100 exact repulsion fit its bindings).
const d = 200;
const data = blobs(4, 25, d, 3, 0.5);
const files = writeFormats(dir, 'wide', data.x, data.n, d, data.labels);

/** The test engine, claiming that the input cannot be one buffer: 64 KiB at most (bindings 256 KiB). */
async function smallBuffers(): Promise<Engine> {
  const real = await getEngine();
  const limits = new Proxy(real.limits, {
    get: (t, key) => (key === 'maxBufferSize' ? 64 * 1024 : key === 'maxStorageBufferBindingSize' ? 256 * 1024 : Reflect.get(t, key)),
  });
  return Object.create(real, { limits: { value: limits } }) as Engine;
}

describe('input larger than one GPU buffer', () => {
  it('pca streams it block by block and matches the in-memory run', async () => {
    const small = await runCli(['pca', files.npy, '--dims', '3', '-o', at('small.npy'), '--labels', files.labelsFile, '-q', '--json'], undefined, smallBuffers);
    expect(small.code, small.stderr).toBe(0);
    const summary = JSON.parse(small.stdout);
    expect(summary.pca.streamed).toBe(true);
    expect(summary.metrics.knn_accuracy_10).toBe(1);
    expect(summary.metrics.trustworthiness_10).toBeUndefined();
    const whole = await runCli(['pca', files.npy, '--dims', '3', '-o', at('whole.npy'), '-q', '--json']);
    expect(JSON.parse(whole.stdout).pca.streamed).toBeUndefined();
    const a = readNpyMatrix(at('small.npy')).data;
    const b = readNpyMatrix(at('whole.npy')).data;
    expect(a.length).toBe(data.n * 3);
    for (let i = 0; i < a.length; i++) expect(Math.abs(a[i] - b[i])).toBeLessThan(1e-3 * (1 + Math.abs(b[i])));
  });

  it('tsne goes through the streamed PCA; methods that need the data whole say so', async () => {
    const t = await runCli(['tsne', files.npy, '--via', 'pca:10', '--perplexity', '5', '--iterations', '100', '-q', '--json', '--no-metrics'], undefined, smallBuffers);
    expect(t.code, t.stderr + t.stdout).toBe(0);
    expect(JSON.parse(t.stdout).pca.streamed).toBe(true);
    const c = await runCli(['cluster', files.npy, '--k', '4', '--via', 'pca:10', '--labels', files.labelsFile, '-q', '--json'], undefined, smallBuffers);
    expect(c.code, c.stderr + c.stdout).toBe(0);
    expect(JSON.parse(c.stdout).pca.streamed).toBe(true);
    for (const args of [['tsne', files.npy, '--via', 'none'], ['ae', files.npy, '--layers', '16,2'], ['cluster', files.npy, '--k', '4']]) {
      const r = await runCli([...args, '-o', at('never.npy')], undefined, smallBuffers);
      expect(r.code).toBe(1);
      expect(r.stderr).toMatch(/the data \(100×200, 78\.1 KiB as float32\) is larger than one buffer of this GPU, and .* needs it in one\. PCA streams such data/);
    }
  });
});

describe('memory plans before the long stages', () => {
  it('records the plan, and refuses a run that cannot fit before PCA or the kNN start', async () => {
    const ok = await runCli(['tsne', files.npy, '--perplexity', '5', '--iterations', '50', '--json', '--no-metrics']);
    expect(ok.code, ok.stderr).toBe(0);
    const plan = JSON.parse(ok.stdout).plan;
    expect(plan.stages.knn.gpu_bytes).toBe(2 * data.n * 15 * 4);
    expect(Object.keys(plan.stages)).toEqual(expect.arrayContaining(['knn', 'affinities', 'optimise']));
    const tiny = async (): Promise<Engine> => {
      const real = await getEngine();
      // Buffers of 4 KiB: the 100 × 15 kNN graph (5.9 KiB per tensor) cannot exist.
      const limits = new Proxy(real.limits, { get: (t, key) => (key === 'maxBufferSize' ? 4096 : Reflect.get(t, key)) });
      return Object.create(real, { limits: { value: limits } }) as Engine;
    };
    for (const command of ['tsne', 'umap']) {
      const r = await runCli([command, files.npy, ...(command === 'tsne' ? ['--perplexity', '5'] : ['--neighbors', '16']), '--json', '-o', at('never.npy')], undefined, tiny);
      expect(r.code).toBe(1);
      expect(JSON.parse(r.stdout).error).toMatch(/the kNN graph of 100 points × 15 neighbours needs 5\.9 KiB, more than this adapter's maxBufferSize/);
      // Nothing long ran: no PCA and no kNN stage.
      expect(r.stderr).not.toMatch(/"stage":"(pca|knn)"/);
    }
  });
});
