import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';

const INCLUDE = /^[ \t]*\/\/[ \t]*#include[ \t]+"([^"]+)"[ \t]*$/gm;

/**
 * Replaces each `// #include "path"` line with that file's text (relative to the including file),
 * once per file. Written as a WGSL comment so the shaders stay valid WGSL for editors and linters.
 */
export function resolveIncludes(code, file, read = (p) => readFileSync(p, 'utf8'), seen = new Set()) {
  return code.replace(INCLUDE, (_line, rel) => {
    const path = resolve(dirname(file), rel);
    if (seen.has(path)) return `// (already included: ${rel})`;
    seen.add(path);
    return resolveIncludes(read(path), path, read, seen);
  });
}

/** Vite/Vitest plugin: `import code from '.../x.wgsl'` gives the file's text, includes resolved. */
export function wgsl() {
  return {
    name: 'latentgpu-wgsl',
    transform(code, id) {
      if (!id.endsWith('.wgsl')) return null;
      const file = id.split('?')[0];
      return { code: `export default ${JSON.stringify(resolveIncludes(code, file))};`, map: null };
    },
  };
}

/** The same for esbuild (the CLI bundle). */
export function wgslEsbuild() {
  return {
    name: 'latentgpu-wgsl',
    setup(build) {
      build.onLoad({ filter: /\.wgsl$/ }, (args) => ({
        contents: `export default ${JSON.stringify(resolveIncludes(readFileSync(args.path, 'utf8'), args.path))};`,
        loader: 'js',
      }));
    },
  };
}
