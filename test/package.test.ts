// The package as its users install it: `npm pack`, then the tarball (not the source tree) installed
// into a fresh project that runs the Node example and the CLI, type-checks with skipLibCheck: false,
// and builds the Vite example and opens it in headless Chromium.
import { execFileSync, spawnSync } from 'node:child_process';
import { cpSync, createReadStream, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { extname, join, normalize } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launch } from './browser/harness.js';

const ROOT = process.cwd();
const app = mkdtempSync(join(tmpdir(), 'latentgpu-pkg-'));
let tarball = '';

/** Newest modification time under a folder, in ms. */
function newest(dir: string): number {
  let t = 0;
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    t = Math.max(t, e.isDirectory() ? newest(p) : statSync(p).mtimeMs);
  }
  return t;
}

function sh(cmd: string, args: string[], cwd = app): { code: number | null; stdout: string; stderr: string } {
  const r = spawnSync(cmd, args, { cwd, encoding: 'utf8', env: { ...process.env, npm_config_fund: 'false', npm_config_audit: 'false', npm_config_update_notifier: 'false' } });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

beforeAll(() => {
  // The tarball holds dist/ as built: a stale build would test old code.
  expect(newest(join(ROOT, 'dist')), 'dist/ is older than src/: run `npm run build` first').toBeGreaterThanOrEqual(newest(join(ROOT, 'src')) - 1000);
  const packed = JSON.parse(execFileSync('npm', ['pack', '--json', '--pack-destination', app], { cwd: ROOT, encoding: 'utf8' }));
  tarball = join(app, packed[0].filename);
  writeFileSync(join(app, 'package.json'), JSON.stringify({ name: 'fresh-app', private: true, type: 'module' }));
  const versions = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')).devDependencies;
  // From the npm cache where it has them (the registry otherwise), as `npm install` would for a user.
  const r = sh('npm', ['install', '--prefer-offline', '--no-audit', '--no-fund', tarball, `vite@${versions.vite}`, `typescript@${versions.typescript}`, 'papaparse@5.7.1']);
  expect(r.code, r.stderr).toBe(0);
  cpSync(join(ROOT, 'examples', 'node'), join(app, 'node'), { recursive: true, filter: (p) => !p.endsWith('package.json') });
  cpSync(join(ROOT, 'examples', 'vite'), join(app, 'vite'), { recursive: true, filter: (p) => !p.endsWith('package.json') });
}, 240_000);
afterAll(() => rmSync(app, { recursive: true, force: true }));

describe('the packed tarball', () => {
  it('ships a LICENSE, the font and its licence, and a browser build with no Node module in it', () => {
    const pkg = join(app, 'node_modules', 'latentgpu');
    for (const f of ['LICENSE', 'fonts/DejaVuSans.ttf', 'fonts/LICENSE-DejaVu.txt', 'dist/index.js', 'dist/browser.js', 'dist/cli.js']) {
      expect(existsSync(join(pkg, f)), f).toBe(true);
    }
    const browser = readFileSync(join(pkg, 'dist', 'browser.js'), 'utf8');
    expect(browser).not.toMatch(/(from|import\(|require\()\s*["'](node:|fs|path|url|child_process|webgpu|pngjs)["']/);
    expect(browser).toMatch(/@compute/); // the WGSL is inlined
    const types = readFileSync(join(pkg, 'dist', 'types', 'index.d.ts'), 'utf8');
    expect(types).toMatch(/<reference types="@webgpu\/types"/);
    const manifest = JSON.parse(readFileSync(join(pkg, 'package.json'), 'utf8'));
    expect(manifest.dependencies['@webgpu/types']).toBeDefined();
    expect(Object.keys(manifest.exports['.'])).toEqual(['types', 'browser', 'node', 'default']);
  });

  it('runs in a fresh Node project: the example (PCA → t-SNE) separates the classes', () => {
    const r = sh(process.execPath, ['node/index.js', 'vite/public/blobs.csv', 'plot.png']);
    expect(r.code, r.stderr).toBe(0);
    const out = JSON.parse(r.stdout.trim());
    expect(out).toMatchObject({ rows: 120, cols: 6 });
    expect(out.classes).toEqual(expect.arrayContaining(['Café crème', 'Ωμέγα', '#ff0000']));
    expect(out.knn_accuracy_10).toBeGreaterThan(0.95);
    expect(readFileSync(join(app, 'plot.png')).subarray(1, 4).toString()).toBe('PNG');
  });

  it('its CLI prints nothing with -q, and says plainly what the package lacks', () => {
    const q = sh(join(app, 'node_modules', '.bin', 'latentgpu'), ['pca', 'vite/public/blobs.csv', '--labels', 'label', '--dims', '2', '-q', '-o', 'out.npy']);
    expect(q.code, q.stderr).toBe(0);
    expect(q.stderr).toBe('');
    expect(q.stdout).toBe('');
    const bench = sh(join(app, 'node_modules', '.bin', 'latentgpu'), ['bench', 'matmul']);
    expect(bench.code).toBe(1);
    expect(bench.stderr).toMatch(/not part of the installed package/);
    const open = sh(join(app, 'node_modules', '.bin', 'latentgpu'), ['pca', 'vite/public/blobs.csv', '--labels', 'label', '-o', 'o.csv', '--open', '-q']);
    expect(open.code).toBe(1);
    expect(open.stderr).toMatch(/--open needs the 3D explorer/);
    expect(open.stderr).not.toMatch(/MODULE_NOT_FOUND|\n\s+at /);
    expect(existsSync(join(app, 'o.csv'))).toBe(false);
  });

  it('require() says that the package is an ES module', () => {
    const r = sh(process.execPath, ['-e', "try { require('latentgpu'); console.log('loaded') } catch (e) { console.log(e.code) }"]);
    // Node 20 refuses require() of ES modules with its own explanation; Node 22+ loads them.
    expect(['ERR_REQUIRE_ESM', 'loaded']).toContain(r.stdout.trim());
  });

  it('type-checks in a fresh TypeScript project with skipLibCheck: false', () => {
    const r = sh(process.execPath, [join(app, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', 'node']);
    expect(r.stdout + r.stderr).toBe('');
    expect(r.code).toBe(0);
  });
});

describe('the Vite example, from the tarball, in headless Chromium', () => {
  let server: Server | undefined;
  afterAll(() => server?.close());

  it('builds without Node modules and draws the t-SNE map of the CSV on the page', async () => {
    const build = sh(process.execPath, [join(app, 'node_modules', 'vite', 'bin', 'vite.js'), 'build', 'vite']);
    expect(build.code, build.stderr).toBe(0);
    expect(build.stdout + build.stderr).not.toMatch(/externalized for browser compatibility|dawn\.node/);
    const dist = join(app, 'vite', 'dist');
    const js = readdirSync(join(dist, 'assets')).filter((f) => f.endsWith('.js')).map((f) => readFileSync(join(dist, 'assets', f), 'utf8')).join('');
    expect(js).not.toMatch(/dawn\.node|node:fs/);

    server = createServer((req, res) => {
      const path = normalize(decodeURIComponent(new URL(req.url ?? '/', 'http://x').pathname)).replace(/^(\.\.[/\\])+/, '');
      const file = join(dist, path === '/' ? 'index.html' : path);
      if (!file.startsWith(dist) || !existsSync(file)) { res.writeHead(404).end(); return; }
      const type = { '.html': 'text/html', '.js': 'text/javascript', '.csv': 'text/csv' }[extname(file)] ?? 'application/octet-stream';
      res.writeHead(200, { 'content-type': type });
      createReadStream(file).pipe(res);
    });
    await new Promise<void>((ok) => server!.listen(0, '127.0.0.1', ok));
    const url = `http://127.0.0.1:${(server.address() as { port: number }).port}/`;
    const browser = await launch();
    try {
      const page = await browser.newPage();
      const errors: string[] = [];
      page.on('pageerror', (e) => errors.push(String(e)));
      await page.goto(url);
      await page.waitForFunction(() => document.body.dataset.done !== undefined, undefined, { timeout: 120_000 });
      const status = await page.locator('#status').textContent();
      expect(await page.evaluate(() => document.body.dataset.done), `${status} ${errors.join('; ')}`).toBe('ok');
      const result = JSON.parse(status!);
      expect(result).toMatchObject({ rows: 120, cols: 6, adapter: 'browser' });
      expect(result.knn_accuracy_10).toBeGreaterThan(0.95);
      expect(await page.locator('#legend').textContent()).toContain('Café crème');
      // The three class colours are drawn on the canvas.
      const colours = await page.evaluate(() => {
        const c = document.getElementById('plot') as HTMLCanvasElement;
        const px = c.getContext('2d')!.getImageData(0, 0, c.width, c.height).data;
        const seen = new Set<string>();
        for (let i = 0; i < px.length; i += 4) if (px[i] !== 255 || px[i + 1] !== 255 || px[i + 2] !== 255) seen.add(`${px[i]},${px[i + 1]},${px[i + 2]}`);
        return [...seen];
      });
      for (const c of ['31,119,180', '255,127,14', '44,160,44']) expect(colours).toContain(c);
      expect(errors).toEqual([]);
    } finally {
      await browser.close();
    }
  });
});
