import { defineConfig } from 'vitest/config';
// @ts-expect-error plain ESM helper without types
import { wgsl } from './scripts/wgsl-plugin.mjs';

export default defineConfig({
  plugins: [wgsl()],
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 180_000,
    hookTimeout: 120_000,
    pool: 'forks',
    // Two cores and a CPU adapter that uses both: one test file at a time is faster than two.
    fileParallelism: false,
    // Tests use each adapter kind's fallback variants unless they force one (every variant has its
    // own tests); the tuner's own tests turn it on. Keeps runs repeatable and the cache untouched.
    env: { LATENTGPU_TUNE: 'off' },
    reporters: ['default'],
  },
});
