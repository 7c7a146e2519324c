// `npm run bench -- parquet [--quick] [--rows N] [--dims D]`: loading one matrix (a Gaussian mixture
// with a label and an id per row) from each input format, each load in a fresh process: seconds and
// peak resident memory, against the same matrix as .npy (the raw float32 floor) and as .csv (what a
// table is otherwise exchanged as), measured in the same run. Writes bench/results/parquet.json.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Field, FixedSizeList, Float32, Table, tableToIPC, Utf8, vectorFromArray } from 'apache-arrow';
import { parquetWriteBuffer } from 'hyparquet-writer';
import { encodeNpy } from '../src/io/npy.js';
import { loadDatasetAsync } from '../src/io/load.js';
import { machine, parseArgs, table, writeResult } from './lib/common.js';

const args = parseArgs();

if (args.child) {
  // One load in this process: its time, its peak memory and a checksum of what it read.
  const t0 = performance.now();
  const ds = await loadDatasetAsync(args.child, { labels: args.labels === 'none' ? undefined : args.labels, ignoreColumns: args.ignore ? [args.ignore] : undefined });
  const seconds = (performance.now() - t0) / 1000;
  let sum = 0;
  for (let i = 0; i < ds.x.length; i += 7) sum += ds.x[i];
  // VmHWM: this process's own peak (getrusage's maxRSS also counts the parent's size when it forked).
  const hwm = existsSync('/proc/self/status') ? /VmHWM:\s+(\d+) kB/.exec(readFileSync('/proc/self/status', 'utf8'))?.[1] : undefined;
  const peak = hwm ? Number(hwm) / 1024 : process.resourceUsage().maxRSS / 1024;
  process.stdout.write(JSON.stringify({ seconds, peak_rss_mb: peak, n: ds.n, d: ds.d, sum, classes: ds.classNames?.length ?? 0 }) + '\n');
  process.exit(0);
}

const quick = args.quick === 'true';
const n = Number(args.rows ?? (quick ? 20_000 : 200_000));
const d = Number(args.dims ?? 64);
const dir = mkdtempSync(join(tmpdir(), 'latentgpu-bench-parquet-'));

let s = 7;
const r = () => { s = (Math.imul(s, 1103515245) + 12345) >>> 0; return s / 4294967296; };
const gauss = () => Math.sqrt(-2 * Math.log(Math.max(r(), 1e-12))) * Math.cos(2 * Math.PI * r());
const centres = Array.from({ length: 20 }, () => Float32Array.from({ length: d }, () => 4 * gauss()));
const x = new Float32Array(n * d);
const label = Array.from({ length: n }, (_, i) => `c${i % 20}`);
for (let i = 0; i < n; i++) for (let j = 0; j < d; j++) x[i * d + j] = centres[i % 20][j] + gauss();
const rowsOf = () => Array.from({ length: n }, (_, i) => x.subarray(i * d, (i + 1) * d));
const ids = Array.from({ length: n }, (_, i) => BigInt(i) * 1000n);

const files: { format: string; path: string; labels: string; ignore?: string }[] = [];
const add = (format: string, name: string, bytes: Uint8Array | string, labels: string, ignore?: string) => {
  const path = join(dir, name);
  writeFileSync(path, bytes);
  files.push({ format, path, labels, ignore });
};
add('npy', 'x.npy', encodeNpy(x, [n, d]), 'none');
add('csv', 'x.csv', [[...Array.from({ length: d }, (_, j) => `f${j}`), 'label'].join(','),
  ...rowsOf().map((row, i) => [...Array.from(row, (v) => String(v)), label[i]].join(','))].join('\n') + '\n', 'label');
const listSchema = [
  { name: 'emb', repetition_type: 'REQUIRED' as const, converted_type: 'LIST' as const, num_children: 1 },
  { name: 'list', repetition_type: 'REPEATED' as const, num_children: 1 },
  { name: 'element', type: 'FLOAT' as const, repetition_type: 'REQUIRED' as const },
];
add('parquet list<float>', 'list.parquet', new Uint8Array(parquetWriteBuffer({
  columnData: [{ name: 'id', data: ids }, { name: 'label', data: label }, { name: 'emb', data: rowsOf().map((row) => Array.from(row)) }],
  schema: [{ name: 'root', num_children: 3 }, { name: 'id', type: 'INT64', repetition_type: 'REQUIRED' },
    { name: 'label', type: 'BYTE_ARRAY', converted_type: 'UTF8', repetition_type: 'REQUIRED' }, ...listSchema],
  rowGroupSize: 50_000,
})), 'label');
add('parquet column per dim', 'cols.parquet', new Uint8Array(parquetWriteBuffer({
  columnData: [{ name: 'id', data: ids, type: 'INT64' }, { name: 'label', data: label, type: 'STRING' },
    ...Array.from({ length: d }, (_, j) => ({ name: `f${j}`, data: Float32Array.from({ length: n }, (_, i) => x[i * d + j]), type: 'FLOAT' as const }))],
  rowGroupSize: 50_000,
})), 'label', 'id');
add('arrow fixed_size_list<float>', 'x.arrow', tableToIPC(new Table({
  label: vectorFromArray(label, new Utf8()),
  emb: vectorFromArray(rowsOf(), new FixedSizeList(d, new Field('item', new Float32(), false))),
}), 'file'), 'label');

const results: Record<string, { seconds: number; peak_rss_mb: number; sum: number; n: number; d: number }> = {};
for (const f of files) {
  const runs = Array.from({ length: quick ? 1 : 3 }, () => {
    const p = spawnSync(process.execPath, [process.argv[1], '--child', f.path, '--labels', f.labels, ...(f.ignore ? ['--ignore', f.ignore] : [])], { encoding: 'utf8' });
    if (p.status !== 0) throw new Error(`${f.format}: ${p.stderr}`);
    return JSON.parse(p.stdout.trim().split('\n').pop()!);
  });
  results[f.format] = { ...runs[0], seconds: Math.min(...runs.map((q) => q.seconds)), peak_rss_mb: Math.max(...runs.map((q) => q.peak_rss_mb)) };
  console.error(f.format, results[f.format]);
}
const floor = results.npy;
const csv = results.csv;
const rows = files.map((f) => {
  const m = results[f.format];
  if (m.n !== n || m.d !== d || m.sum !== floor.sum) throw new Error(`${f.format} read ${m.n}×${m.d} (sum ${m.sum}), not the ${n}×${d} matrix (sum ${floor.sum}).`);
  return {
    format: f.format, file_mb: statSync(f.path).size / 1e6, seconds: m.seconds, peak_rss_mb: m.peak_rss_mb,
    data_mb: (n * d * 4) / 1e6, vs_npy_seconds: m.seconds / floor.seconds, vs_csv_seconds: m.seconds / csv.seconds,
    vs_npy_extra_rss: (m.peak_rss_mb - floor.peak_rss_mb) / ((n * d * 4) / 2 ** 20),
  };
});
rmSync(dir, { recursive: true, force: true });
console.log(table(rows));
const path = writeResult('parquet', {
  benchmark: 'parquet', machine: machine(), shape: [n, d],
  notes: 'One load (loadDatasetAsync) in a fresh process, best of 3; peak_rss_mb: the process\'s maximum resident set, worst of 3. ' +
    'vs_npy_extra_rss: memory beyond the .npy load (which holds the float32 matrix once), in units of that matrix (0: no more; 1: one extra copy). ' +
    'Every load keeps the labels; the Parquet loads keep the id column as metadata too.',
  rows,
});
console.error(`wrote ${path}`);
