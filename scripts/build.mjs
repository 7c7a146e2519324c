// Builds dist/: the Node library, the browser library and the CLI as ES modules, plus type declarations.
import { existsSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import { build } from 'esbuild';
import { bundleNode } from './esbuild-common.mjs';
import { wgslEsbuild } from './wgsl-plugin.mjs';

await bundleNode('src/index.ts', 'dist/index.js');
if (existsSync('src/cli/main.ts')) await bundleNode('src/cli/main.ts', 'dist/cli.js');
await build({
  entryPoints: ['src/browser.ts'], outfile: 'dist/browser.js', bundle: true, platform: 'browser', format: 'esm',
  target: 'es2022', sourcemap: true, plugins: [wgslEsbuild()], logLevel: 'warning', packages: 'external',
});
if (!process.argv.includes('--no-types')) {
  execFileSync(process.execPath, ['node_modules/typescript/bin/tsc', '-p', '.'], { stdio: 'inherit' });
}
