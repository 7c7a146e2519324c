// scikit-learn as the peer of the kNN and PCA benchmarks, run by /usr/bin/python3 on the same
// float32 data (handed over as a raw file), timed inside Python around fit/query only.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const PYTHON = '/usr/bin/python3';

export interface PeerRun { seconds: number; info: Record<string, unknown>; output: ArrayBuffer }

/**
 * Runs `script` with the data in `x.bin` ([n, d] float32) and argv [x.bin, n, d, out.bin, ...args];
 * the script prints one JSON line with "seconds" and writes its result array to out.bin.
 */
export function runPython(script: string, x: Float32Array, n: number, d: number, args: Array<string | number>): PeerRun {
  const dir = mkdtempSync(join(tmpdir(), 'latentgpu-peer-'));
  try {
    const xp = join(dir, 'x.bin');
    const out = join(dir, 'out.bin');
    writeFileSync(xp, new Uint8Array(x.buffer, x.byteOffset, x.byteLength));
    const r = spawnSync(PYTHON, ['-c', script, xp, String(n), String(d), out, ...args.map(String)], {
      encoding: 'utf8', maxBuffer: 1 << 24, env: { ...process.env, OMP_NUM_THREADS: '2', OPENBLAS_NUM_THREADS: '2' },
    });
    if (r.status !== 0) throw new Error(`${PYTHON} failed (${r.status}): ${r.stderr}`);
    const line = r.stdout.trim().split('\n').pop() ?? '{}';
    const info = JSON.parse(line) as Record<string, unknown>;
    const buf = readFileSync(out);
    return { seconds: Number(info.seconds), info, output: buf.buffer.slice(buf.byteOffset, buf.byteOffset + buf.byteLength) };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** NearestNeighbors(k, algorithm).fit(x).kneighbors() (self excluded); writes int32 indices [n, k]. */
export const SKLEARN_KNN = `
import sys, json, time, numpy as np
from sklearn.neighbors import NearestNeighbors
xp, n, d, out, k, algo = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), sys.argv[4], int(sys.argv[5]), sys.argv[6]
x = np.fromfile(xp, dtype=np.float32).reshape(n, d)
t0 = time.perf_counter()
nn = NearestNeighbors(n_neighbors=k, algorithm=algo, n_jobs=2).fit(x)
dist, ind = nn.kneighbors()
t = time.perf_counter() - t0
ind.astype(np.int32).tofile(out)
print(json.dumps({"seconds": t, "algorithm": getattr(nn, "_fit_method", algo)}))
`;

/** PCA(k, svd_solver).fit(x); writes components float64 [k, d]; prints explained variance ratios. */
export const SKLEARN_PCA = `
import sys, json, time, numpy as np
from sklearn.decomposition import PCA
xp, n, d, out, k, solver = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), sys.argv[4], int(sys.argv[5]), sys.argv[6]
x = np.fromfile(xp, dtype=np.float32).reshape(n, d)
t0 = time.perf_counter()
p = PCA(n_components=k, svd_solver=solver, random_state=0).fit(x)
t = time.perf_counter() - t0
p.components_.astype(np.float64).tofile(out)
print(json.dumps({"seconds": t, "evr": p.explained_variance_ratio_.tolist()}))
`;
