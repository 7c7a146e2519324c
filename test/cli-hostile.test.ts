import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
// @ts-expect-error plain ESM helper without types
import { bundleNode } from '../scripts/esbuild-common.mjs';
import { encodeNpy, npyHeader, readNpyMatrix } from '../src/io/npy.js';
import { blobs, tempDir } from './cli-helpers.js';

// Hostile inputs, signals and outputs through the real CLI process (issue 11): each ends with the
// right result, or one sentence, a non-zero exit and nothing written.
const cacheDir = join(process.cwd(), 'node_modules', '.cache', 'latentgpu-test');
const cli = join(cacheDir, `cli-hostile-${process.pid}.mjs`);
const dir = tempDir();
const at = (name: string) => join(dir, name);

beforeAll(async () => {
  mkdirSync(cacheDir, { recursive: true });
  await bundleNode('src/cli/main.ts', cli, { sourcemap: false });
});
afterAll(() => rmSync(cli, { force: true }));

interface Run { code: number | null; signal: NodeJS.Signals | null; stdout: string; stderr: string; afterSignalMs?: number }

/** Runs the CLI; `onStderr` may send a signal once the text it has seen says so. */
function run(args: string[], opts: { cwd?: string; onStderr?: (text: string, send: (s: NodeJS.Signals) => void) => void } = {}): Promise<Run> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [cli, ...args], { stdio: ['ignore', 'pipe', 'pipe'], cwd: opts.cwd ?? dir });
    let stdout = '';
    let stderr = '';
    let sentAt: number | undefined;
    const send = (s: NodeJS.Signals) => { if (sentAt === undefined) { sentAt = performance.now(); child.kill(s); } };
    child.stdout.on('data', (b) => { stdout += b; });
    child.stderr.on('data', (b) => { stderr += b; opts.onStderr?.(stderr, send); });
    child.on('exit', (code, signal) => resolve({
      // Without Dawn's own warnings (adapter probing), which are not latentgpu's output.
      code, signal, stdout, stderr: stderr.split('\n').filter((l) => l.trim() && !/^(Warning: |\s+at |latentgpu: no hardware GPU)/.test(l)).join('\n'),
      afterSignalMs: sentAt === undefined ? undefined : performance.now() - sentAt,
    }));
  });
}

/** The one-sentence failure: exit 1, a single `latentgpu:` line matching `pattern`, no stack trace. */
function expectRefused(r: Run, pattern: RegExp): void {
  expect(r.code, r.stderr).toBe(1);
  const lines = r.stderr.split('\n').filter((l) => l.startsWith('latentgpu:'));
  expect(lines.length, r.stderr).toBe(1);
  expect(lines[0]).toMatch(pattern);
  expect(r.stderr).not.toMatch(/internal error|\n\s+at /);
}

/** Stages that started (their JSON progress or completion lines on stderr). */
function stagesRun(r: Run): string[] {
  return [...new Set([...r.stderr.matchAll(/"stage":"([a-z]+)"/g)].map((m) => m[1]))];
}

function files(sub = ''): string[] {
  return readdirSync(join(dir, sub)).sort();
}

function npy(name: string, x: Float32Array, n: number, d: number): string {
  writeFileSync(at(name), encodeNpy(x, [n, d]));
  return at(name);
}

const small = blobs(3, 20, 6, 5);
const smallNpy = npy('small.npy', small.x, small.n, 6);

describe('silent data loss or wrong results', () => {
  it('2: knn --drop-invalid numbers queries and neighbours by input rows', async () => {
    // Row i holds i² (row 1 is NaN): row 3 (9) has rows 2 (4, distance 5) and 4 (16, distance 7) nearest.
    const x = Float32Array.from({ length: 12 }, (_, i) => (i === 1 ? NaN : i * i));
    const input = npy('squares.npy', x, 12, 1);
    const r = await run(['knn', input, '--drop-invalid', '--k', '2', '--query', '3']);
    expect(r.code, r.stderr).toBe(0);
    const rows = r.stdout.trim().split('\n').slice(1).map((l) => l.split(',').map(Number));
    expect(rows).toEqual([[3, 1, 2, 5], [3, 2, 4, 7]]);
    const all = await run(['knn', input, '--drop-invalid', '--k', '1']);
    const graph = all.stdout.trim().split('\n').slice(1).map((l) => l.split(',').map(Number));
    expect(graph.map((g) => g[0])).toEqual([0, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11]);
    expect(graph.find((g) => g[0] === 0)![2]).toBe(2); // 0's nearest is 4 (row 2), not row 1's NaN
    expectRefused(await run(['knn', input, '--drop-invalid', '--query', '1']), /row 1 of squares\.npy was skipped by --drop-invalid/);
  });

  it('3: --labels NAME reads the column NAME even when a file NAME is in the current folder', async () => {
    const csv = at('labelled.csv');
    writeFileSync(csv, ['a,b,class', ...Array.from({ length: 30 }, (_, i) => `${i % 3},${(i * 7) % 5},${i % 3 === 0 ? 'x' : 'y'}`)].join('\n') + '\n');
    writeFileSync(at('class'), Array.from({ length: 30 }, () => 'stray').join('\n') + '\n');
    const r = await run(['pca', csv, '--labels', 'class', '--dims', '1', '--json'], { cwd: dir });
    expect(r.code, r.stderr).toBe(0);
    const summary = JSON.parse(r.stdout);
    expect(summary.input.cols).toBe(2);
    expect(summary.input.labelled).toBe(true);
    // ./class still names the file.
    const f = await run(['pca', csv, '--labels', './class', '--ignore', 'class', '--dims', '1', '-o', at('byfile.csv')], { cwd: dir });
    expect(f.code, f.stderr).toBe(0);
    expect(readFileSync(at('byfile.csv'), 'utf8')).toMatch(/stray/);
  });

  it('4: a perplexity above what 128 neighbours allow is stated in the message and the JSON', async () => {
    const data = blobs(2, 75, 4, 9);
    const input = npy('ppl.npy', data.x, data.n, 4);
    const r = await run(['tsne', input, '--perplexity', '200', '--iterations', '20', '--json']);
    expect(r.code, r.stderr).toBe(0);
    const s = JSON.parse(r.stdout).tsne;
    expect(s).toMatchObject({ perplexity: 200, neighbours: 128, perplexity_capped: true, effective_perplexity: 128 });
    const human = await run(['tsne', input, '--perplexity', '50', '--iterations', '20', '-o', at('ppl.csv')]);
    expect(human.code).toBe(0);
    expect(human.stderr).toMatch(/perplexity 50 would use 150 neighbours per row; the kNN graph holds at most 128/);
  });

  it('5: a model whose weights hold NaN is refused', async () => {
    const model = at('nan.safetensors');
    const t = await run(['ae', smallNpy, '--layers', '4,2', '--epochs', '1', '--save-model', model, '-o', at('codes.npy')]);
    expect(t.code, t.stderr).toBe(0);
    const bytes = readFileSync(model);
    const headerLen = Number(bytes.readBigUInt64LE(0));
    bytes.writeFloatLE(NaN, 8 + headerLen + 4);
    writeFileSync(model, bytes);
    expectRefused(await run(['anomalies', smallNpy, '--model', model]), /--model .*nan\.safetensors: tensor ".*" holds 1 NaN or Inf value; the model is damaged/);
  });

  it('7: ae --loss bce on data outside [0, 1] is refused before training', async () => {
    const r = await run(['ae', smallNpy, '--loss', 'bce', '--epochs', '1', '-o', at('bce.npy'), '--json']);
    expectRefused(r, /--loss bce needs values in \[0, 1\], but small\.npy ranges from -?[\d.]+ to [\d.]+; use --loss mse/);
    expect(stagesRun(r)).not.toContain('train');
    expect(existsSync(at('bce.npy'))).toBe(false);
  });
});

/** Float64 eigenvalues of the covariance through the Gram matrix (n small), largest first. */
function refEigenvalues(x: Float32Array, n: number, d: number, k: number): number[] {
  const mean = new Float64Array(d);
  for (let i = 0; i < n; i++) for (let j = 0; j < d; j++) mean[j] += x[i * d + j] / n;
  let g = Array.from({ length: n }, (_, a) => Array.from({ length: n }, (_, b) => {
    let s = 0;
    for (let j = 0; j < d; j++) s += (x[a * d + j] - mean[j]) * (x[b * d + j] - mean[j]);
    return s / (n - 1);
  }));
  const values: number[] = [];
  for (let c = 0; c < k; c++) {
    // Power iteration, then deflation: the top eigenvalues are well separated in this data.
    let v = Array.from({ length: n }, (_, i) => Math.sin(i + 1));
    let lambda = 0;
    for (let it = 0; it < 500; it++) {
      const w = g.map((row) => row.reduce((s, gij, j) => s + gij * v[j], 0));
      lambda = Math.hypot(...w);
      v = w.map((wi) => wi / lambda);
    }
    values.push(lambda);
    g = g.map((row, a) => row.map((gab, b) => gab - lambda * v[a] * v[b]));
  }
  return values;
}

describe('failures and wasted work', () => {
  it('9: PCA and t-SNE take data wider than one storage binding holds as a covariance (6,000 columns)', async () => {
    const n = 30;
    const d = 6000;
    const data = blobs(3, 10, d, 11, 1);
    const input = npy('wide.npy', data.x, n, d);
    const r = await run(['pca', input, '--dims', '2', '-o', at('wide-pca.npy')]);
    expect(r.code, r.stderr).toBe(0);
    const z = readNpyMatrix(at('wide-pca.npy'));
    expect([z.rows, z.cols]).toEqual([n, 2]);
    // The variance along each component is its eigenvalue.
    const want = refEigenvalues(data.x, n, d, 2);
    for (let c = 0; c < 2; c++) {
      let m = 0;
      for (let i = 0; i < n; i++) m += z.data[i * 2 + c] / n;
      let v = 0;
      for (let i = 0; i < n; i++) v += (z.data[i * 2 + c] - m) ** 2 / (n - 1);
      expect(Math.abs(v - want[c]) / want[c], `component ${c}`).toBeLessThan(1e-3);
    }
    const t = await run(['tsne', input, '--via', 'none', '--perplexity', '5', '--iterations', '50', '-o', at('wide-tsne.npy')]);
    expect(t.code, t.stderr).toBe(0);
    expect(readNpyMatrix(at('wide-tsne.npy')).rows).toBe(n);
  });

  it('10: unusable outputs are found before any work', async () => {
    writeFileSync(at('plain-file'), 'x');
    const notFolder = await run(['pca', smallNpy, '-o', join(at('plain-file'), 'out.npy'), '--json']);
    expectRefused(notFolder, /plain-file is a file, not a folder/);
    expect(stagesRun(notFolder)).toEqual([]);
    const missing = await run(['ae', smallNpy, '--epochs', '1', '--save-model', at('nowhere/m.safetensors'), '-o', at('m.npy'), '--json']);
    expectRefused(missing, /--save-model .*nowhere\/m\.safetensors: the folder .*nowhere does not exist/);
    expect(stagesRun(missing)).toEqual([]);
    writeFileSync(at('exists.safetensors'), 'keep');
    const exists = await run(['ae', smallNpy, '--epochs', '1', '--save-model', at('exists.safetensors'), '-o', at('m.npy'), '--json']);
    expectRefused(exists, /--save-model .*exists\.safetensors already exists; pass --force/);
    expect(readFileSync(at('exists.safetensors'), 'utf8')).toBe('keep');
    const profile = await run(['pca', smallNpy, '--dims', '2', '-o', at('prof-out.npy'), '--profile', at('nowhere/p.json'), '--json']);
    expectRefused(profile, /--profile .*nowhere\/p\.json: the folder .*nowhere does not exist/);
    expect(stagesRun(profile)).toEqual([]);
    mkdirSync(at('proj'));
    writeFileSync(at('proj/tensors.tsv'), 'keep');
    const proj = await run(['pca', smallNpy, '--format', 'projector', '-o', at('proj'), '--json']);
    expectRefused(proj, /-o .*proj already holds tensors\.tsv; pass --force/);
    expect(stagesRun(proj)).toEqual([]);
    expect(existsSync(at('m.npy'))).toBe(false);
  });

  it('13: t-SNE on fewer than 50 rows of more than 50 columns, and with fewer columns than --dims', async () => {
    const data = blobs(3, 10, 60, 4);
    const r = await run(['tsne', npy('narrow-rows.npy', data.x, 30, 60), '--perplexity', '5', '--iterations', '50', '--json']);
    expect(r.code, r.stderr).toBe(0);
    expect(JSON.parse(r.stdout).tsne).toMatchObject({ via: 'none', init: 'pca' });
    const two = blobs(3, 10, 2, 4);
    const r3 = await run(['tsne', npy('two-cols.npy', two.x, 30, 2), '--dims', '3', '--perplexity', '5', '--iterations', '50', '-o', at('three.npy')]);
    expect(r3.code, r3.stderr).toBe(0);
    expect(r3.stderr).toMatch(/2 columns, fewer than --dims 3: starting from random positions/);
    expect(readNpyMatrix(at('three.npy')).cols).toBe(3);
    const forced = await run(['tsne', at('two-cols.npy'), '--dims', '3', '--init', 'pca', '--perplexity', '5', '--json']);
    expectRefused(forced, /--init pca needs at least 3 columns for 3-D, but two-cols\.npy has 2/);
    expect(stagesRun(forced)).not.toContain('knn');
  });

  it('14: a folder as --model and a damaged gzip IDX file get one sentence', async () => {
    mkdirSync(at('model-folder'));
    expectRefused(await run(['anomalies', smallNpy, '--model', at('model-folder')]), /--model .*model-folder is a folder/);
    const idx = new Uint8Array(4 + 8 + 12);
    idx.set([0, 0, 0x08, 2, 0, 0, 0, 3, 0, 0, 0, 4]);
    const gz = gzipSync(idx);
    writeFileSync(at('broken-ubyte.gz'), gz.subarray(0, gz.length - 6));
    expectRefused(await run(['pca', at('broken-ubyte.gz')]), /broken-ubyte\.gz is a damaged or truncated gzip file/);
  });

  it('15: knn --k 128 --query asks for no more neighbours than the search has', async () => {
    const data = blobs(2, 100, 3, 2);
    const input = npy('k128.npy', data.x, 200, 3);
    const r = await run(['knn', input, '--k', '128', '--query', '0', '--json']);
    expectRefused(r, /--k 128 with --query rows: at most 127 neighbours/);
    expect(stagesRun(r)).toEqual([]);
    const ok = await run(['knn', input, '--k', '127', '--query', '0']);
    expect(ok.code, ok.stderr).toBe(0);
    const rows = ok.stdout.trim().split('\n').slice(1).map((l) => l.split(',').map(Number));
    expect(rows.length).toBe(127);
    expect(rows.some((row) => row[2] === 0)).toBe(false);
  });
});

describe('signals', () => {
  async function interrupted(args: string[], stage: string, signal: NodeJS.Signals = 'SIGINT') {
    const out = args[args.indexOf('-o') + 1];
    const r = await run([...args, '--json'], { onStderr: (text, send) => { if (text.includes(`"stage":"${stage}","value"`)) send(signal); } });
    expect(r.afterSignalMs, `no progress seen in ${stage}: ${r.stderr}`).toBeDefined();
    expect(r.code, r.stderr).toBe(128 + ({ SIGINT: 2, SIGTERM: 15, SIGHUP: 1 } as Record<string, number>)[signal]);
    // Stopped within a second or two (on an idle machine; the bound leaves room for a loaded CI
    // runner), not at the end of the stage, which takes tens of seconds here.
    expect(r.afterSignalMs!).toBeLessThan(5000);
    expect(existsSync(out)).toBe(false);
    expect(files().filter((f) => f.endsWith('.tmp') || f.includes('probe'))).toEqual([]);
    return r;
  }
  const big = blobs(4, 4000, 32, 6);
  const bigNpy = npy('big.npy', big.x, big.n, 32);

  it('11: Ctrl-C during knn stops it', async () => {
    await interrupted(['knn', bigNpy, '--k', '15', '--method', 'exact', '-o', at('knn-out.csv')], 'knn');
  });

  it('11: Ctrl-C during PCA stops it', async () => {
    const noise = Float32Array.from({ length: 3000 * 300 }, (_, i) => Math.sin(i * 12.9898) * 43758.5453 % 1);
    await interrupted(['pca', npy('noise.npy', noise, 3000, 300), '--dims', '100', '-o', at('pca-out.npy')], 'pca');
  });

  it("11: Ctrl-C during t-SNE's kNN step stops it", async () => {
    await interrupted(['tsne', bigNpy, '--via', 'none', '-o', at('tsne-out.npy')], 'knn');
  });

  it('12: SIGTERM and SIGHUP stop a run like Ctrl-C (exit 143, 129) and leave nothing', async () => {
    await interrupted(['knn', bigNpy, '--k', '15', '--method', 'exact', '-o', at('term-out.csv')], 'knn', 'SIGTERM');
    await interrupted(['knn', bigNpy, '--k', '15', '--method', 'exact', '-o', at('hup-out.csv')], 'knn', 'SIGHUP');
    // SIGTERM as the search ends, around the readback and the write of 60,000 lines: either the
    // run stops before writing (143, no file) or the file is written whole (0); never a leftover.
    const out = at('late-term.csv');
    const mid = blobs(4, 1000, 32, 8);
    const r = await run(['knn', npy('mid.npy', mid.x, mid.n, 32), '--k', '15', '--method', 'exact', '-o', out, '--json'],
      { onStderr: (text, send) => { if (text.includes('"stage":"knn","seconds"')) send('SIGTERM'); } });
    expect(r.afterSignalMs, r.stderr).toBeDefined();
    expect(files().filter((f) => f.endsWith('.tmp'))).toEqual([]);
    if (r.code === 0) expect(readFileSync(out, 'utf8').trim().split('\n').length).toBe(1 + mid.n * 15);
    else { expect(r.code, r.stderr).toBe(143); expect(existsSync(out)).toBe(false); }
  });
});

describe('unclear messages', () => {
  it('17: t-SNE on 3 rows says too few rows', async () => {
    expectRefused(await run(['tsne', npy('three.npy', small.x.subarray(0, 18), 3, 6)]), /t-SNE: 3 rows are too few; it needs at least 4/);
  });

  it('18: --k auto on identical rows, and float64 values beyond the float32 range', async () => {
    const same = npy('same.npy', new Float32Array(40 * 3).fill(2), 40, 3);
    expectRefused(await run(['cluster', same, '--k', 'auto']), /--k auto: every row of same\.npy is the same/);
    const f8 = at('huge.npy');
    const values = new Float64Array([1, 2, 3, 4e39, 5, 6]);
    writeFileSync(f8, Buffer.concat([npyHeader('<f8', [3, 2]), new Uint8Array(values.buffer)]));
    expectRefused(await run(['pca', f8, '--dims', '1']), /the value 4\.000e\+39 at row 1, column 1 \(0-based\) is beyond the float32 range/);
    writeFileSync(at('huge.csv'), 'a,b\n1,2\n3,-5e40\n5,6\n');
    expectRefused(await run(['pca', at('huge.csv'), '--dims', '1']), /huge\.csv line 3, column 2 \("b"\): -5e40 is beyond the float32 range/);
    writeFileSync(at('ignored.csv'), 'a,b\n1,2\n3,4\n');
    expectRefused(await run(['pca', at('ignored.csv'), '--dims', '1', '--ignore', 'zzz']), /^latentgpu: --ignore: ignored\.csv has no column named "zzz"/);
  });

  it('19: --save-model and -o on the same path is refused, even with --force', async () => {
    writeFileSync(at('same.bin'), 'keep');
    const r = await run(['ae', smallNpy, '--epochs', '1', '--save-model', at('same.bin'), '-o', at('same.bin'), '--format', 'npy', '--force', '--json']);
    expectRefused(r, /-o and --save-model both name .*same\.bin/);
    expect(stagesRun(r)).toEqual([]);
    expect(readFileSync(at('same.bin'), 'utf8')).toBe('keep');
  });

  it('20: an unknown adapter is a stated error (NoAdapterError is a LatentGpuError)', async () => {
    expectRefused(await run(['info', '--adapter', 'quantum']), /Unknown adapter "quantum"/);
  });
});
