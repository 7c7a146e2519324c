import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, vi } from 'vitest';
import { main } from '../src/cli/program.js';
import { encodeNpy } from '../src/io/npy.js';
import { getEngine } from './helpers.js';
import type { Engine } from '../src/index.js';

export interface CliResult { code: number; stdout: string; stderr: string }

/**
 * Runs the CLI in this process and captures what it prints. Every run borrows the test file's one
 * engine (as each CLI process has one), instead of creating and destroying a device per run.
 */
export async function runCli(args: string[], signal?: AbortSignal, engine: () => Promise<Engine> = getEngine): Promise<CliResult> {
  let stdout = '';
  let stderr = '';
  const out = vi.spyOn(process.stdout, 'write').mockImplementation((s: string | Uint8Array) => { stdout += String(s); return true; });
  const err = vi.spyOn(process.stderr, 'write').mockImplementation((s: string | Uint8Array) => { stderr += String(s); return true; });
  try {
    const code = await main(['node', 'latentgpu', ...args], { signal, engine });
    return { code, stdout, stderr: stderr.split('\n').filter((l) => !/no hardware GPU found/.test(l)).join('\n') };
  } finally {
    out.mockRestore();
    err.mockRestore();
  }
}

/** A fresh temporary folder removed after the test file. */
export function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'latentgpu-cli-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

/** Gaussian blobs: `k` clusters of `per` rows in `d` dims, well separated, labelled 0..k-1. */
export function blobs(k: number, per: number, d: number, seed: number, spread = 0.3): { x: Float32Array; labels: Int32Array; n: number } {
  let s = seed >>> 0;
  const r = () => { s = (s + 0x6d2b79f5) >>> 0; let t = s; t = Math.imul(t ^ (t >>> 15), t | 1); t ^= t + Math.imul(t ^ (t >>> 7), t | 61); return ((t ^ (t >>> 14)) >>> 0) / 4294967296; };
  const g = () => Math.sqrt(-2 * Math.log(Math.max(r(), 1e-12))) * Math.cos(2 * Math.PI * r());
  const n = k * per;
  const x = new Float32Array(n * d);
  const labels = new Int32Array(n);
  const centres = Array.from({ length: k }, () => Array.from({ length: d }, () => 4 * g()));
  for (let i = 0; i < n; i++) {
    const c = i % k;
    labels[i] = c;
    for (let j = 0; j < d; j++) x[i * d + j] = centres[c][j] + spread * g();
  }
  return { x, labels, n };
}

/** Writes a matrix as .npy, .csv (with header and label column) and .tsv, returning the paths. */
export function writeFormats(dir: string, name: string, x: Float32Array, n: number, d: number, labels?: ArrayLike<number>) {
  const npy = join(dir, `${name}.npy`);
  writeFileSync(npy, encodeNpy(x, [n, d]));
  const header = [...Array.from({ length: d }, (_, j) => `f${j}`), ...(labels ? ['class'] : [])];
  const rows = Array.from({ length: n }, (_, i) => [...Array.from(x.subarray(i * d, (i + 1) * d), (v) => String(v)), ...(labels ? [`c${labels[i]}`] : [])]);
  const csv = join(dir, `${name}.csv`);
  writeFileSync(csv, [header, ...rows].map((r) => r.join(',')).join('\n') + '\n');
  const tsv = join(dir, `${name}.tsv`);
  writeFileSync(tsv, [header, ...rows].map((r) => r.join('\t')).join('\n') + '\n');
  const labelsFile = join(dir, `${name}.labels.txt`);
  if (labels) writeFileSync(labelsFile, Array.from(labels, (l) => `c${l}`).join('\n') + '\n');
  return { npy, csv, tsv, labelsFile };
}
