// The CLI as a Unix tool, through the real process and its bin wrapper: quiet runs, stdin and stdout,
// CSV dialects, usage errors, writing through links and special files.
import { spawn, execFileSync } from 'node:child_process';
import { copyFileSync, existsSync, lstatSync, mkdirSync, readFileSync, readlinkSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import pngjs from 'pngjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
// @ts-expect-error plain ESM helper without types
import { bundleNode } from '../scripts/esbuild-common.mjs';
import { encodeNpy } from '../src/io/npy.js';
import { blobs, tempDir } from './cli-helpers.js';

// bin/latentgpu.js and a fresh bundle of the CLI laid out as in the package (bin/ beside dist/),
// inside the project so that the native webgpu package and fonts/ are found.
const root = join(process.cwd(), 'node_modules', '.cache', 'latentgpu-test', `unix-${process.pid}`);
const bin = join(root, 'bin', 'latentgpu.js');
const dir = tempDir();
const at = (f: string) => join(dir, f);

beforeAll(async () => {
  mkdirSync(join(root, 'bin'), { recursive: true });
  copyFileSync('bin/latentgpu.js', bin);
  await bundleNode('src/cli/main.ts', join(root, 'dist', 'cli.js'), { sourcemap: false });
});
afterAll(() => rmSync(root, { recursive: true, force: true }));

interface Run { code: number | null; stdout: Buffer; stderr: string }

function run(args: string[], opts: { stdin?: string | Buffer; shell?: string } = {}): Promise<Run> {
  return new Promise((resolve) => {
    const child = opts.shell !== undefined
      ? spawn('bash', ['-c', opts.shell], { cwd: dir, env: { ...process.env, LATENTGPU: `${process.execPath} ${bin}` } })
      : spawn(process.execPath, [bin, ...args], { cwd: dir });
    const out: Buffer[] = [];
    let stderr = '';
    child.stdout.on('data', (b) => out.push(b));
    child.stderr.on('data', (b) => { stderr += b; });
    child.on('close', (code) => resolve({ code, stdout: Buffer.concat(out), stderr }));
    if (opts.stdin !== undefined) child.stdin.end(opts.stdin); else child.stdin.end();
  });
}

const { x, labels, n } = blobs(3, 30, 4, 11);
const csvRows = (delim: string) => Array.from({ length: n }, (_, i) => Array.from(x.subarray(i * 4, i * 4 + 4), (v) => v.toFixed(5)).join(delim));
writeFileSync(at('blobs.csv'), ['a,b,c,d', ...csvRows(',')].join('\n') + '\n');
writeFileSync(at('blobs.npy'), encodeNpy(x, [n, 4]));

describe('quiet and machine-readable runs', () => {
  it('-q prints nothing at all on a machine without a GPU, and the result is complete', async () => {
    const r = await run(['pca', 'blobs.csv', '--dims', '2', '-q', '-o', 'q.npy']);
    expect(r.stderr).toBe('');
    expect(r.stdout.length).toBe(0);
    expect(r.code).toBe(0);
    expect(readFileSync(at('q.npy')).length).toBeGreaterThan(n * 2 * 4);
  });

  it('--json prints its summary as one line on stdout and only JSON lines on stderr', async () => {
    const r = await run(['pca', 'blobs.csv', '--dims', '2', '--json', '-o', 'j.csv', '--force']);
    expect(r.code).toBe(0);
    const lines = r.stdout.toString().trim().split('\n');
    expect(lines).toHaveLength(1);
    expect(JSON.parse(lines[0])).toMatchObject({ command: 'pca', result: { rows: n, dims: 2 } });
    for (const l of r.stderr.trim().split('\n')) expect(() => JSON.parse(l), l).not.toThrow();
  });

  it('--json without -o says on stderr and in the summary that the result was not written', async () => {
    const r = await run(['pca', 'blobs.csv', '--dims', '2', '--json']);
    expect(r.code, r.stderr).toBe(0);
    expect(JSON.parse(r.stdout.toString())).toMatchObject({ result_written: false });
    const events = r.stderr.trim().split('\n').map((l) => JSON.parse(l));
    expect(events).toContainEqual({ event: 'warning', message: expect.stringMatching(/not written: give -o/) });
  });

  it('usage errors exit 2; data errors exit 1', async () => {
    expect((await run(['pca', 'blobs.csv', '--dims', 'two'])).code).toBe(2);
    expect((await run(['pca', 'blobs.csv', '--no-such-option'])).code).toBe(2);
    expect((await run(['pca', 'missing.csv', '-q'])).code).toBe(1);
  });
});

describe('stdin and stdout', () => {
  it('reads - from a pipe and writes - as CSV, the same numbers as from the file', async () => {
    const fromFile = await run(['pca', 'blobs.csv', '--dims', '1', '-q', '-o', '-']);
    const piped = await run(['pca', '-', '--dims', '1', '-q', '-o', '-'], { stdin: readFileSync(at('blobs.csv')) });
    expect(piped.code, piped.stderr).toBe(0);
    const rows = piped.stdout.toString().trim().split('\n');
    expect(rows[0]).toBe('dim0');
    expect(rows).toHaveLength(n + 1);
    expect(piped.stdout.toString()).toBe(fromFile.stdout.toString());
  });

  it('reads a piped /dev/stdin and an .npy on stdin; writes .npy to a pipe with --format npy', async () => {
    const r = await run([], { shell: 'cat blobs.npy | $LATENTGPU pca /dev/stdin --dims 2 -q -o - --format npy | cat > piped.npy' });
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toBe('');
    const bytes = readFileSync(at('piped.npy'));
    expect(bytes.subarray(1, 6).toString()).toBe('NUMPY');
    expect(bytes.toString('latin1')).toContain(`'shape': (${n}, 2)`);
  });
});

describe('CSV dialects (through the real process)', () => {
  it('a ; file with quoted line breaks and UTF-8 labels goes through tsne --plot, labels kept as written', async () => {
    const names = ['Café crème', 'two\nlines', 'Ωμέγα'];
    const body = Array.from({ length: n }, (_, i) => `${csvRows(';')[i]};"${names[labels[i]]}"`);
    writeFileSync(at('semi.csv'), ['a;b;c;d;kind', ...body].join('\n') + '\n');
    const r = await run(['tsne', 'semi.csv', '--labels', 'kind', '--perplexity', '8', '--iterations', '250', '-q', '-o', 'semi-out.csv', '--plot', 'semi.png']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toBe('');
    const out = readFileSync(at('semi-out.csv'), 'utf8');
    expect(out).toContain('Café crème');
    expect(out).toContain('"two\nlines"');
    const png = pngjs.PNG.sync.read(readFileSync(at('semi.png')));
    expect([png.width, png.height]).toEqual([960, 760]);
  });

  it('rows whose label starts with # are data unless --comment # is given', async () => {
    const body = Array.from({ length: n }, (_, i) => `${['#ff0000', '#123', 'plain'][labels[i]]},${csvRows(',')[i]}`);
    writeFileSync(at('hash.csv'), ['colour,a,b,c,d', ...body].join('\n') + '\n');
    const all = await run(['pca', 'hash.csv', '--labels', 'colour', '--dims', '1', '-q']);
    expect(all.code, all.stderr).toBe(0);
    expect(all.stdout.toString().trim().split('\n')).toHaveLength(n + 1);
    const commented = await run(['pca', 'hash.csv', '--labels', 'colour', '--dims', '1', '-q', '--comment', '#']);
    expect(commented.stdout.toString().trim().split('\n')).toHaveLength(n / 3 + 1);
  });

  it('a header of numbers only is a header with --header, data with --no-header', async () => {
    writeFileSync(at('years.csv'), ['2019,2020,2021,2022', ...csvRows(',')].join('\n') + '\n');
    const h = await run(['pca', 'years.csv', '--header', '--dims', '1', '-q', '--json', '-o', 'y.npy']);
    expect(h.code, h.stderr).toBe(0);
    expect(JSON.parse(h.stdout.toString()).input).toMatchObject({ rows: n, cols: 4 });
    const d = await run(['pca', 'years.csv', '--no-header', '--dims', '1', '-q', '--json', '-o', 'y2.npy']);
    expect(JSON.parse(d.stdout.toString()).input).toMatchObject({ rows: n + 1, cols: 4 });
  });

  it('a labels file whose first line is a header counts one label per row', async () => {
    writeFileSync(at('labels.txt'), ['label', ...Array.from(labels, (l) => `class ${l}`)].join('\n') + '\n');
    const r = await run(['pca', 'blobs.npy', '--labels', 'labels.txt', '--dims', '1', '-q', '--json', '-o', 'l.csv']);
    expect(r.code, r.stderr).toBe(0);
    expect(JSON.parse(r.stdout.toString()).input).toMatchObject({ rows: n, labelled: true });
    expect(readFileSync(at('l.csv'), 'utf8').split('\n')[1]).toMatch(/,class 0$/);
  });

  it('a delimiter at the end of every line is named as such', async () => {
    writeFileSync(at('trail.csv'), ['a,b,c,d,', ...csvRows(',').map((l) => l + ',')].join('\n') + '\n');
    const r = await run(['pca', 'trail.csv', '-q']);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/the last column \(5\) is empty on every line.*--ignore -1/);
    const fixed = await run(['pca', 'trail.csv', '--ignore', '-1', '--dims', '1', '-q']);
    expect(fixed.code, fixed.stderr).toBe(0);
  });
});

describe('writing outputs', () => {
  it('--force writes through a link (kept as a link) and into a FIFO and /dev/null', async () => {
    writeFileSync(at('target.csv'), 'old\n');
    symlinkSync('target.csv', at('link.csv'));
    const r = await run(['pca', 'blobs.csv', '--dims', '1', '-q', '-o', 'link.csv', '--force']);
    expect(r.code, r.stderr).toBe(0);
    expect(lstatSync(at('link.csv')).isSymbolicLink()).toBe(true);
    expect(readlinkSync(at('link.csv'))).toBe('target.csv');
    expect(readFileSync(at('target.csv'), 'utf8').split('\n')[0]).toBe('dim0');
    execFileSync('mkfifo', [at('fifo.csv')]);
    const f = await run([], { shell: 'cat fifo.csv > from-fifo.csv & $LATENTGPU pca blobs.csv --dims 1 -q -o fifo.csv --force; wait' });
    expect(f.code, f.stderr).toBe(0);
    expect(lstatSync(at('fifo.csv')).isFIFO()).toBe(true);
    expect(readFileSync(at('from-fifo.csv'), 'utf8').trim().split('\n')).toHaveLength(n + 1);
    const nul = await run(['pca', 'blobs.csv', '--dims', '1', '-q', '-o', '/dev/null', '--force']);
    expect(nul.code, nul.stderr).toBe(0);
    expect(lstatSync('/dev/null').isCharacterDevice()).toBe(true);
  });

  it('refuses an output that is also the input, even with --force, and leaves the input as it was', async () => {
    const before = readFileSync(at('blobs.csv'));
    const r = await run(['pca', 'blobs.csv', '-o', 'blobs.csv', '--force', '-q']);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/-o blobs\.csv is also an input/);
    expect(readFileSync(at('blobs.csv')).equals(before)).toBe(true);
    expect(existsSync(at('blobs.csv'))).toBe(true);
  });
});

describe('signals through the -q/--json wrapper', () => {
  it('SIGINT sent to the wrapper process alone stops the run (exit 130, no output), as Ctrl-C does', async () => {
    const big = blobs(4, 800, 16, 5);
    writeFileSync(at('sig.npy'), encodeNpy(big.x, [big.n, 16]));
    const r = await new Promise<{ code: number | null; stdout: string }>((resolve) => {
      const child = spawn(process.execPath, [bin, 'tsne', 'sig.npy', '--via', 'none', '-o', 'sig-out.npy', '--json'], { cwd: dir });
      let sent = false;
      let stdout = '';
      child.stdout.on('data', (b) => { stdout += b; });
      // The wrapper's own pid: a supervisor's `kill -INT`, not the terminal's process-group Ctrl-C.
      child.stderr.on('data', (b) => { if (!sent && String(b).includes('"stage":"tsne","value"')) { sent = true; child.kill('SIGINT'); } });
      child.on('close', (code) => resolve({ code, stdout }));
    });
    expect(r.code).toBe(130);
    expect(JSON.parse(r.stdout.trim().split('\n').pop()!)).toEqual({ error: 'interrupted.', exit_code: 130 });
    expect(existsSync(at('sig-out.npy'))).toBe(false);
  });
});
