import { existsSync } from 'node:fs';
import { afterAll } from 'vitest';
import { createEngine, SWIFTSHADER_ICD, type Engine } from '../src/index.js';
import { getEngine } from './helpers.js';

/**
 * The engines a kernel-variant test runs on: the adapter this machine picks (llvmpipe on CI), and
 * SwiftShader as well, whose compiler, execution model and features (subgroups, timestamps) differ.
 * On Linux CI a missing SwiftShader is a failure, not a skip (CI installs chromium for it).
 */
export const ADAPTERS = ['default', 'swiftshader'] as const;

let swift: Promise<Engine | null> | undefined;

export function adapterEngine(which: (typeof ADAPTERS)[number]): Promise<Engine | null> {
  if (which === 'default') return getEngine();
  swift ??= (async () => {
    const primary = await getEngine();
    if (primary.kind === 'swiftshader') return null;
    if (!existsSync(SWIFTSHADER_ICD)) {
      if (process.platform === 'linux' && process.env.CI) throw new Error(`${SWIFTSHADER_ICD} is missing: CI must install chromium to test on SwiftShader.`);
      return null;
    }
    const e = await createEngine({ adapter: 'swiftshader', onWarning: () => {} });
    afterAll(() => e.dispose());
    return e;
  })();
  return swift;
}
