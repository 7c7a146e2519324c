// The API reference is generated from the doc comments (TypeDoc, `npm run docs:api`): it must build
// without warnings ({@link} targets that do not exist are errors) and every link in it must resolve.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';

const out = mkdtempSync(join(tmpdir(), 'latentgpu-api-'));
afterAll(() => rmSync(out, { recursive: true, force: true }));

function htmlFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? htmlFiles(join(dir, e.name)) : e.name.endsWith('.html') ? [join(dir, e.name)] : []));
}

describe('API reference', () => {
  it('builds from the doc comments with no warning, and has no broken link', () => {
    const r = spawnSync(process.execPath, ['node_modules/typedoc/bin/typedoc', '--out', out], { encoding: 'utf8' });
    expect(r.stdout + r.stderr).not.toMatch(/\[warning\]|\[error\]/);
    expect(r.status).toBe(0);
    const pages = htmlFiles(out);
    expect(pages.length).toBeGreaterThan(50);
    const ids = new Map<string, Set<string>>();
    const idsOf = (file: string) => {
      if (!ids.has(file)) ids.set(file, new Set([...readFileSync(file, 'utf8').matchAll(/\sid="([^"]+)"/g)].map((m) => m[1])));
      return ids.get(file)!;
    };
    const broken: string[] = [];
    for (const page of pages) {
      for (const [, link] of readFileSync(page, 'utf8').matchAll(/\s(?:href|src)="([^"]+)"/g)) {
        if (/^(https?:|mailto:|data:|javascript:)/.test(link)) continue;
        const [path, anchor] = link.split('#');
        const target = path ? resolve(dirname(page), decodeURIComponent(path)) : page;
        if (!existsSync(target)) broken.push(`${page.slice(out.length)} → ${link}`);
        else if (anchor && target.endsWith('.html') && !idsOf(target).has(anchor)) broken.push(`${page.slice(out.length)} → ${link} (no such anchor)`);
      }
    }
    expect(broken).toEqual([]);
    for (const name of ['createEngine', 'PCA', 'TSNE', 'loadDataset']) {
      expect(pages.some((p) => p.includes(name)), name).toBe(true);
    }
  });
});
