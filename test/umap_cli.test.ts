import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readNpyMatrix } from '../src/io/npy.js';
import { UMAP } from '../src/models/umap/index.js';
import { blobs, runCli, tempDir, writeFormats } from './cli-helpers.js';
import { getEngine } from './helpers.js';

void getEngine();
const dir = tempDir();
const at = (name: string) => join(dir, name);
const data = blobs(3, 40, 12, 7);
const files = writeFormats(dir, 'blobs', data.x, data.n, 12, data.labels);

describe('latentgpu umap', () => {
  it('has --help with an example', async () => {
    const r = await runCli(['umap', '--help']);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/Examples?:\n  latentgpu umap /);
    for (const flag of ['--neighbors', '--min-dist', '--spread', '--metric', '--epochs', '--dims', '--via']) expect(r.stdout).toContain(flag);
  });

  it('writes the same bytes the library computes with the same options, and reports quality', async () => {
    const engine = await getEngine();
    const r = await runCli(['umap', files.npy, '--neighbors', '10', '--epochs', '80', '--min-dist', '0.2', '--seed', '3', '-o', at('u.npy'),
      '--labels', files.labelsFile, '--json']);
    expect(r.code, r.stderr).toBe(0);
    const summary = JSON.parse(r.stdout);
    expect(summary.umap).toMatchObject({ neighbors: 10, min_dist: 0.2, epochs: 80, via: 'none' });
    expect(summary.metrics.knn_accuracy_10).toBe(1);
    const got = readNpyMatrix(at('u.npy'));
    expect([got.rows, got.cols]).toEqual([data.n, 2]);
    const x = engine.tensor(data.x, [data.n, 12]);
    const umap = new UMAP(engine, { nNeighbors: 10, nEpochs: 80, minDist: 0.2, seed: 3 });
    const want = await (await umap.fit(x)).read();
    expect(Buffer.compare(Buffer.from(got.data.buffer, got.data.byteOffset, got.data.byteLength), Buffer.from(want.buffer))).toBe(0);
    umap.dispose();
    x.dispose();
  });

  it('embeds in 3D with the cosine metric', async () => {
    const r = await runCli(['umap', files.npy, '--dims', '3', '--metric', 'cosine', '--epochs', '50', '-o', at('u3.npy'), '-q', '--no-metrics']);
    expect(r.code, r.stderr).toBe(0);
    const got = readNpyMatrix(at('u3.npy'));
    expect([got.rows, got.cols]).toEqual([data.n, 3]);
    expect(Array.from(got.data).every(Number.isFinite)).toBe(true);
  });

  it('rejects an unknown metric as a usage error naming the choices', async () => {
    const r = await runCli(['umap', files.npy, '--metric', 'manhattan', '-q']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/'manhattan' is invalid\. Allowed choices are euclidean, cosine\./);
  });

  const cases: [string, string[], RegExp][] = [
    ['too many neighbours', ['--neighbors', '120'], /UMAP: nNeighbors \(120\) must be less than the number of points \(120\); use at most 119\./],
    ['min-dist above spread', ['--min-dist', '2', '--spread', '1'], /UMAP: minDist \(2\) must be at most spread \(1\)\./],
  ];
  it.each(cases)('%s: one sentence, exit code 1', async (_, args, message) => {
    const r = await runCli(['umap', files.npy, ...args, '-q']);
    expect(r.code).toBe(1);
    const lines = r.stderr.trim().split('\n').filter((l) => !/^Warning|Vulkan|InitializeImpl|^\s*$|^ - /.test(l));
    expect(lines.length, r.stderr).toBe(1);
    expect(lines[0]).toMatch(message);
  });
});
