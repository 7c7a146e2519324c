import { defineConfig } from 'vite';
// @ts-expect-error plain ESM helper without types
import { wgsl } from '../scripts/wgsl-plugin.mjs';

export default defineConfig({
  root: import.meta.dirname,
  base: './',
  plugins: [wgsl()],
  build: { outDir: 'dist', emptyOutDir: true, target: 'es2022', chunkSizeWarningLimit: 2000 },
  worker: { format: 'es' },
  server: { host: '127.0.0.1' },
  preview: { host: '127.0.0.1' },
});
