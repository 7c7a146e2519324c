import { build } from 'esbuild';
import { wgslEsbuild } from './wgsl-plugin.mjs';

/** Bundles one TypeScript entry for Node (webgpu stays an external native package). */
export function bundleNode(entry, outfile, extra = {}) {
  return build({
    entryPoints: [entry], outfile, bundle: true, platform: 'node', format: 'esm', target: 'node20',
    sourcemap: true, plugins: [wgslEsbuild()], logLevel: 'warning',
    packages: 'external',
    banner: { js: "import { createRequire as __cr } from 'node:module'; const require = __cr(import.meta.url);" },
    ...extra,
  });
}
