// `npm run bench -- NAME [args]` bundles bench/NAME.ts and runs it; `all` runs every benchmark.
import { readdirSync, mkdirSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { bundleNode } from './esbuild-common.mjs';

const [name = 'all', ...args] = process.argv.slice(2);
const available = readdirSync('bench').filter((f) => f.endsWith('.ts')).map((f) => f.slice(0, -3)).sort();
const names = name === 'all' ? available : [name];
for (const n of names) {
  if (!available.includes(n)) {
    console.error(`Unknown benchmark "${n}": expected one of ${available.join(', ')}, or all.`);
    process.exit(2);
  }
}
mkdirSync('node_modules/.cache/latentgpu-bench', { recursive: true });
for (const n of names) {
  const out = `node_modules/.cache/latentgpu-bench/${n}.mjs`;
  await bundleNode(`bench/${n}.ts`, out);
  const r = spawnSync(process.execPath, ['--enable-source-maps', out, ...args], { stdio: 'inherit' });
  if (r.status !== 0) process.exit(r.status ?? 1);
}
