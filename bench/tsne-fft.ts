// `npm run bench -- tsne-fft [--n 20000] [--iterations 50]`
// The field repulsion of one t-SNE iteration (spread, FFT convolution, gather) plus Z, with each
// FFT variant and the reduction variant the tuner would pick forced in turn, on the same points in
// the same run: 2D at 128 and 256 nodes per side, 3D at 32 and 64. The peer is the `lanes` FFT,
// the line-per-invocation shape the project used before the variants.
import { createEngine } from '../src/index.js';
import { tsneFftFamily } from '../src/models/tsne/fft.js';
import { FieldRepulsion } from '../src/models/tsne/repulsion.js';
import { encodeReduction } from '../src/ops/reduce.js';
import { seededRandom } from '../src/ops/random.js';
import { machine, parseArgs, table, writeResult } from './lib/common.js';

const args = parseArgs();
const n = Number(args.n ?? 20_000);
const iterations = Number(args.iterations ?? 50);
const engine = await createEngine({ onWarning: () => {} });
const random = seededRandom(3);
const rows: Array<Record<string, unknown>> = [];

for (const [dims, nodes] of [[2, 128], [2, 256], [3, 32], [3, 64]] as const) {
  // Clustered points over ±40, the spread of a t-SNE embedding of Fashion-MNIST.
  const y = new Float32Array(n * dims);
  for (let i = 0; i < n; i++) {
    const c = Math.floor(random() * 10);
    for (let d = 0; d < dims; d++) y[i * dims + d] = 30 * Math.cos(c * (d + 1.3)) + 6 * (random() - 0.5) + 4 * (random() - 0.5);
  }
  const yt = engine.tensor(y, [n, dims]);
  const rep = engine.empty([n, dims], 'f32');
  const z = engine.empty([n], 'f32');
  const zSum = engine.empty([1], 'f32');
  const field = new FieldRepulsion(engine, dims, { maxNodes: nodes, spacing: 0.05 });
  let peer = NaN;
  for (const v of tsneFftFamily.variants) {
    if (!v.applies(engine.traits, { l: 2 * nodes, dims })) continue;
    engine.tuner.force('tsne_fft', v.name);
    await field.refresh(yt);
    const step = () => {
      field.encode({ rows: yt, cols: yt, self: true, rep, z });
      encodeReduction(engine, { R: n, C: 1, axis: 0, op: 'sum' }, z.slice(), zSum.slice());
    };
    step();
    await engine.sync();
    const t0 = performance.now();
    for (let i = 0; i < iterations; i++) step();
    await engine.sync();
    const ms = (performance.now() - t0) / iterations;
    if (v.name === 'lanes') peer = ms;
    rows.push({ grid: `${dims}D ${field.layout.nodes}`, fft: v.name, 'ms/iteration': ms, 'vs lanes': ms / peer });
    console.log(table(rows.slice(-1)));
  }
  engine.tuner.force('tsne_fft', undefined);
  field.dispose();
  for (const t of [yt, rep, z, zSum]) t.dispose();
}

console.log(table(rows));
const path = writeResult('tsne-fft', { machine: machine(), adapter: engine.description, n, iterations, rows });
console.log(`wrote ${path}`);
engine.dispose();
