import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { dirname, join } from 'node:path';
import type { TuneStore } from '../engine/tuner.js';

/** The platform's cache folder: XDG_CACHE_HOME or ~/.cache on Linux, ~/Library/Caches on macOS, LOCALAPPDATA on Windows. */
export function cacheDir(): string {
  const env = process.env;
  if (env.LATENTGPU_CACHE_DIR) return env.LATENTGPU_CACHE_DIR;
  if (process.platform === 'darwin') return join(homedir(), 'Library', 'Caches', 'latentgpu');
  if (process.platform === 'win32') return join(env.LOCALAPPDATA ?? join(homedir(), 'AppData', 'Local'), 'latentgpu');
  return join(env.XDG_CACHE_HOME || join(homedir(), '.cache'), 'latentgpu');
}

/** Tuning results as one JSON file in the cache folder, written atomically (two runs at once are safe). */
export function fileTuneStore(path = join(cacheDir(), 'tuning.json')): TuneStore & { path: string } {
  return {
    path,
    async load() {
      try {
        const parsed = JSON.parse(readFileSync(path, 'utf8')) as { version?: number; winners?: Record<string, string> };
        return parsed.version === 1 && parsed.winners ? parsed.winners : {};
      } catch {
        return {};
      }
    },
    async save(entries) {
      // Merge with what another process may have written meanwhile.
      const merged = { ...(await this.load()), ...entries };
      mkdirSync(dirname(path), { recursive: true });
      const tmp = `${path}.${process.pid}.tmp`;
      writeFileSync(tmp, JSON.stringify({ version: 1, winners: merged }, null, 1));
      renameSync(tmp, path);
    },
  };
}
