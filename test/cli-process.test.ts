import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
// @ts-expect-error plain ESM helper without types
import { bundleNode } from '../scripts/esbuild-common.mjs';
import { encodeNpy } from '../src/io/npy.js';
import { blobs, tempDir } from './cli-helpers.js';

// The real entry point (SIGINT handler, explicit exit), bundled like `npm run build` does. Inside the
// project so that the native webgpu package resolves.
const cacheDir = join(process.cwd(), 'node_modules', '.cache', 'latentgpu-test');
const cli = join(cacheDir, `cli-${process.pid}.mjs`);
const dir = tempDir();

beforeAll(async () => {
  mkdirSync(cacheDir, { recursive: true });
  await bundleNode('src/cli/main.ts', cli, { sourcemap: false });
});
afterAll(() => rmSync(cli, { force: true }));

function run(args: string[], onStderr?: (text: string, kill: () => void) => void): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [cli, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (b) => { stdout += b; });
    child.stderr.on('data', (b) => { stderr += b; onStderr?.(stderr, () => child.kill('SIGINT')); });
    child.on('exit', (code) => resolve({ code, stdout, stderr }));
  });
}

describe('the latentgpu process', () => {
  it('exits 1 with one sentence for a missing file', async () => {
    const r = await run(['tsne', join(dir, 'missing.npy')]);
    expect(r.code).toBe(1);
    expect(r.stderr.trim()).toMatch(/^latentgpu: .*missing\.npy: no such file \(inputs are/);
  });

  it('Ctrl-C during t-SNE exits 130, leaving no output and no temporary file', async () => {
    const data = blobs(3, 60, 8, 3);
    const input = join(dir, 'in.npy');
    writeFileSync(input, encodeNpy(data.x, [data.n, 8]));
    const out = join(dir, 'out.npy');
    let sent = false;
    const r = await run(['tsne', input, '--perplexity', '10', '--iterations', '100000', '-o', out, '--plot', join(dir, 'out.png'), '--json'],
      (text, kill) => {
        if (!sent && /"stage":"tsne"/.test(text)) { sent = true; kill(); }
      });
    expect(sent, r.stderr).toBe(true);
    expect(r.code).toBe(130);
    expect(r.stderr).toMatch(/latentgpu: interrupted\./);
    expect(existsSync(out)).toBe(false);
    expect(readdirSync(dir).sort()).toEqual(['in.npy']);
  });
});
