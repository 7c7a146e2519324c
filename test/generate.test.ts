import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import pngjs from 'pngjs';
import { gridLayout } from '../src/io/image-grid.js';
import { readNpyMatrix } from '../src/io/npy.js';
import { Autoencoder, VariationalAutoencoder } from '../src/models/autoencoder/index.js';
import { runCli, tempDir, writeFormats } from './cli-helpers.js';
import { expectClose, getEngine } from './helpers.js';
import { lowRankData, refNet } from './reference/autoencoder-check.js';
import { refDecode, refEncode } from './reference/generate.js';
import type { RefNet } from './reference/autoencoder.js';

void getEngine();
const dir = tempDir();
const at = (name: string) => join(dir, name);
// 16 values a row: 4×4 images in [0, 1].
const D = 16;
const N = 120;
const x = lowRankData(N, D, 5);
const files = writeFormats(dir, 'data', x, N, D);

async function ok(args: string[]): Promise<string> {
  const r = await runCli(args);
  expect(r.code, `${args.join(' ')}: ${r.stderr}`).toBe(0);
  return r.stdout;
}
const npy = (p: string) => readNpyMatrix(p);
const json = (stdout: string) => JSON.parse(stdout.trim().split('\n').filter((l) => l.startsWith('{')).pop()!);

let trained: Promise<{ vae: RefNet; ae: RefNet }> | undefined;
/** A small VAE and AE trained by the CLI, saved, and their weights as float64 reference networks. */
function models() {
  trained ??= (async () => {
    await ok(['vae', files.npy, '--layers', '12,3', '--epochs', '3', '--batch-size', '40', '--save-model', at('vae.safetensors'), '-o', at('z.npy'), '--no-metrics', '-q']);
    await ok(['ae', files.npy, '--layers', '12,3', '--epochs', '3', '--batch-size', '40', '--save-model', at('ae.safetensors'), '-o', at('codes.npy'), '--no-metrics', '-q']);
    const engine = await getEngine();
    const vae = await VariationalAutoencoder.load(engine, new Uint8Array(readFileSync(at('vae.safetensors'))));
    const ae = await Autoencoder.load(engine, new Uint8Array(readFileSync(at('ae.safetensors'))));
    const out = { vae: await refNet(vae), ae: await refNet(ae) };
    vae.dispose();
    ae.dispose();
    return out;
  })();
  return trained;
}

describe('latentgpu generate', () => {
  it('decoding an encoded row gives the model\'s reconstruction (float64 reference), for a VAE and an AE', async () => {
    const nets = await models();
    for (const [kind, codes] of [['vae', 'z.npy'], ['ae', 'codes.npy']] as const) {
      const net = nets[kind];
      await ok(['generate', '--model', at(`${kind}.safetensors`), '--decode', at(codes), '-o', at(`${kind}-dec.npy`), '-q']);
      await ok(['generate', files.npy, '--model', at(`${kind}.safetensors`), '--reconstruct', '-o', at(`${kind}-rec.npy`), '-q']);
      const dec = npy(at(`${kind}-dec.npy`));
      const rec = npy(at(`${kind}-rec.npy`));
      expect([dec.rows, dec.cols, rec.rows, rec.cols]).toEqual([N, D, N, D]);
      const want = refDecode(net, refEncode(net, x, N), N);
      expectClose(rec.data, want, 2e-5, 1e-4, `${kind} reconstruction`);
      expectClose(dec.data, want, 2e-5, 1e-4, `${kind} decoded codes`);
    }
  });

  it('samples from the prior are finite, repeat with a seed and differ across seeds', async () => {
    await models();
    const m = at('vae.safetensors');
    await ok(['generate', '--model', m, '--n', '9', '--seed', '4', '-o', at('s4.npy'), '-q']);
    await ok(['generate', '--model', m, '--n', '9', '--seed', '4', '-o', at('s4b.npy'), '-q']);
    await ok(['generate', '--model', m, '--n', '9', '--seed', '5', '-o', at('s5.npy'), '-q']);
    const [a, b, c] = ['s4.npy', 's4b.npy', 's5.npy'].map((f) => npy(at(f)).data);
    expect(a.length).toBe(9 * D);
    expect(a.every((v) => Number.isFinite(v) && v >= 0 && v <= 1)).toBe(true);
    expect(Array.from(b)).toEqual(Array.from(a));
    let diff = 0;
    for (let i = 0; i < a.length; i++) diff = Math.max(diff, Math.abs(a[i] - c[i]));
    expect(diff).toBeGreaterThan(1e-3);
    // Samples from different prior draws differ from one another too.
    expect(Array.from(a.subarray(0, D))).not.toEqual(Array.from(a.subarray(D, 2 * D)));
  });

  it('interpolation endpoints decode to the endpoints\' reconstructions, midpoints to the decoded mean code', async () => {
    const nets = await models();
    for (const kind of ['vae', 'ae'] as const) {
      const net = nets[kind];
      await ok(['generate', files.csv, '--model', at(`${kind}.safetensors`), '--interpolate', '3,70', '--steps', '5', '-o', at(`${kind}-path.npy`), '-q']);
      const path = npy(at(`${kind}-path.npy`));
      expect([path.rows, path.cols]).toEqual([5, D]);
      const ends = Float64Array.from([...x.subarray(3 * D, 4 * D), ...x.subarray(70 * D, 71 * D)]);
      const z = refEncode(net, ends, 2);
      const L = z.length / 2;
      const rec = refDecode(net, z, 2);
      expectClose(path.data.subarray(0, D), rec.subarray(0, D), 2e-5, 1e-4, `${kind} start`);
      expectClose(path.data.subarray(4 * D), rec.subarray(D), 2e-5, 1e-4, `${kind} end`);
      const mid = Float64Array.from({ length: L }, (_, j) => (z[j] + z[L + j]) / 2);
      expectClose(path.data.subarray(2 * D, 3 * D), refDecode(net, mid, 1), 2e-5, 1e-4, `${kind} midpoint`);
    }
  });

  it('the grid PNG has one tile per row, and a tile holds its row\'s pixel values', async () => {
    await models();
    const out = await ok(['generate', files.npy, '--model', at('vae.safetensors'), '--reconstruct', '--limit', '5', '--grid', at('recon.png'), '-o', at('recon.npy'), '--json']);
    const s = json(out);
    expect(s.grid.tiles).toBe(10); // 5 originals, each beside its reconstruction
    expect(s.grid.image_shape).toEqual([4, 4, 1]);
    const png = pngjs.PNG.sync.read(readFileSync(at('recon.png')));
    const layout = gridLayout(10, { shape: { height: 4, width: 4, channels: 1 }, columns: s.grid.columns, captions: Array(10).fill('x'), title: 'reconstructions' });
    expect([png.width, png.height]).toEqual([layout.width, layout.height]);
    const rec = npy(at('recon.npy')).data;
    const pixel = (tile: number, r: number, c: number) => {
      const [x0, y0] = layout.tileOrigin(tile);
      const o = ((y0 + r * layout.scale + (layout.scale >> 1)) * png.width + x0 + c * layout.scale + (layout.scale >> 1)) * 4;
      return [png.data[o], png.data[o + 1], png.data[o + 2]];
    };
    for (const row of [0, 4]) {
      for (let p = 0; p < D; p++) {
        const [r, c] = [Math.floor(p / 4), p % 4];
        const orig = Math.round(255 * x[row * D + p]);
        expect(pixel(2 * row, r, c), `original ${row} pixel ${p}`).toEqual([orig, orig, orig]);
        const dec = Math.round(255 * rec[row * D + p]);
        expect(pixel(2 * row + 1, r, c), `reconstruction ${row} pixel ${p}`).toEqual([dec, dec, dec]);
      }
    }

    // --show --rows: the chosen input rows as they are, in the order given, no model needed.
    const sh = json(await ok(['generate', files.npy, '--show', '--rows', '7,2,90', '--columns', '2', '--grid', at('show.png'), '--json']));
    expect([sh.grid.tiles, sh.grid.columns]).toEqual([3, 2]);
    const shp = pngjs.PNG.sync.read(readFileSync(at('show.png')));
    const shl = gridLayout(3, { shape: { height: 4, width: 4, channels: 1 }, columns: 2, captions: ['row'], title: 'data.npy' });
    expect([shp.width, shp.height]).toEqual([shl.width, shl.height]);
    [7, 2, 90].forEach((row, tile) => {
      const [x0, y0] = shl.tileOrigin(tile);
      for (let p = 0; p < D; p++) {
        const o = ((y0 + Math.floor(p / 4) * shl.scale + 1) * shp.width + x0 + (p % 4) * shl.scale + 1) * 4;
        expect(shp.data[o], `shown row ${row} pixel ${p}`).toBe(Math.round(255 * x[row * D + p]));
      }
    });

    // Samples: the asked number of tiles, laid out in the asked columns, with --image-shape.
    const g = json(await ok(['generate', '--model', at('vae.safetensors'), '--n', '7', '--columns', '3', '--image-shape', '2x8', '--grid', at('samples.png'), '--json']));
    expect([g.grid.tiles, g.grid.columns, g.grid.image_shape]).toEqual([7, 3, [2, 8, 1]]);
    const sp = pngjs.PNG.sync.read(readFileSync(at('samples.png')));
    const sl = gridLayout(7, { shape: { height: 2, width: 8, channels: 1 }, columns: 3, captions: ['0'], title: '7 samples (seed 1)' });
    expect([sp.width, sp.height]).toEqual([sl.width, sl.height]);
  });

  it('refuses what a model cannot do and bad input, with one sentence', async () => {
    await models();
    const cases: [string[], RegExp][] = [
      [['generate', '--model', at('ae.safetensors'), '--n', '4'], /plain autoencoder: it has no prior to sample from/],
      [['generate', '--model', at('vae.safetensors')], /say what to generate/],
      [['generate', '--model', at('vae.safetensors'), '--n', '3', '--decode', at('z.npy')], /give one of .* not --n and --decode/],
      [['generate', '--model', at('vae.safetensors'), '--decode', files.npy], /data\.npy has 16 columns but the model's latent space has 3 dimensions/],
      [['generate', files.npy, '--model', at('vae.safetensors'), '--interpolate', '0,500'], /row 500 is out of range/],
      [['generate', '--model', at('vae.safetensors'), '--interpolate', '0,1'], /--interpolate needs input rows/],
      [['generate', '--model', at('vae.safetensors'), '--n', '2', '--image-shape', '3x3', '--grid', at('bad.png')], /holds 9 values but the rows have 16/],
      [['generate', '--model', at('missing.safetensors'), '--n', '2'], /no such file/],
      [['generate', '--n', '2'], /--n needs a trained model: --model FILE/],
      [['generate', files.npy, '--model', at('vae.safetensors'), '--n', '2', '--rows', '1'], /--rows selects input rows for --reconstruct and --show/],
      [['generate', files.npy, '--show', '--rows', '1,120'], /--rows: row 120 is out of range \(data\.npy has 120 rows/],
    ];
    for (const [args, message] of cases) {
      const r = await runCli(args);
      expect(r.code, args.join(' ')).toBe(1);
      expect(r.stderr).toMatch(message);
      expect(r.stderr.trim().split('\n').filter((l) => l.startsWith('latentgpu:')).length).toBe(1);
    }
  });

  it('has --help with examples', async () => {
    for (const cmd of ['generate', 'classify']) {
      const r = await runCli([cmd, '--help']);
      expect(r.code).toBe(0);
      expect(r.stdout).toMatch(new RegExp(`Examples:\\n  latentgpu `));
    }
  });
});
