import type { Command } from 'commander';
import type { CliEnv } from '../context.js';
import { createEngine } from '../../index.js';
import { parseAdapterChoice } from '../../gpu/types.js';
import { fileTuneStore } from '../../gpu/tune-store-node.js';
import { Tuner, type TuneRow } from '../../engine/tuner.js';
import { InvalidInputError } from '../../engine/errors.js';
import { TUNED_OPS } from '../../ops/tuned.js';

const say = (line: string) => process.stdout.write(line + '\n');

function fmtMs(ms: number): string {
  return Number.isFinite(ms) ? ms.toPrecision(3) : '—';
}

export function registerTune(program: Command, env: CliEnv): void {
  program.command('tune')
    .description('Measure the kernel variants of every tuned op on this adapter, keep the fastest correct one, and print the table.')
    .option('--adapter <kind>', 'auto | hardware | llvmpipe | swiftshader (env LATENTGPU_ADAPTER)')
    .option('--op <names>', 'only these ops, e.g. matmul,distance', (v) => v.split(',').map((s) => s.trim()).filter(Boolean))
    .option('--reset', 'forget what was tuned before on this adapter and measure again')
    .option('--json', 'machine-readable output')
    .addHelpText('after', '\nResults are cached per adapter, driver and shape class in the cache folder\n' +
      `(${fileTuneStore().path}); later runs use them. LATENTGPU_TUNE=off makes\n` +
      'runs use per-adapter-kind defaults instead; LATENTGPU_VARIANT=op=variant forces one.\n\nExample:\n  latentgpu tune --op matmul')
    .action(async (opts: { adapter?: string; op?: string[]; reset?: boolean; json?: boolean }) => {
      const known = TUNED_OPS.map((t) => t.family.name);
      for (const name of opts.op ?? []) {
        if (!known.includes(name)) throw new InvalidInputError(`--op: no tuned op "${name}" (have ${known.join(', ')}).`);
      }
      const engine = await (env.engine?.() ?? createEngine({ adapter: opts.adapter ? parseAdapterChoice(opts.adapter) : undefined, onWarning: () => {} }));
      try {
        const store = fileTuneStore();
        const tuner = new Tuner(engine, { enabled: true, store, remeasure: opts.reset });
        const t0 = performance.now();
        const table: (TuneRow & { shape: string; winner: string })[] = [];
        for (const op of TUNED_OPS.filter((t) => !opts.op || opts.op.includes(t.family.name))) {
          for (const { label, shape } of op.shapes) {
            const before = tuner.rows.length;
            const winner = await tuner.tune(op.family, shape);
            const rows = tuner.rows.slice(before);
            if (!rows.length) table.push({ family: op.family.name, shapeClass: op.family.shapeClass(shape), variant: winner, ms: NaN, chosen: true, shape: label, winner });
            for (const r of rows) table.push({ ...r, shape: label, winner });
          }
        }
        const seconds = (performance.now() - t0) / 1e3;
        if (opts.json) {
          say(JSON.stringify({ adapter: engine.description, kind: engine.kind, seconds, cache: store.path, rows: table }));
          return;
        }
        say(`tuning on ${engine.description} (${engine.kind}), ${seconds.toFixed(1)} s; cached in ${store.path}`);
        const head = ['op', 'shape', 'class', 'variant', 'ms/run', ''];
        const lines = [head, ...table.map((r) => [r.family, r.shape, r.shapeClass, r.variant, fmtMs(r.ms),
          r.chosen ? (Number.isFinite(r.ms) ? '← chosen' : '← cached') : r.rejected ? `rejected: ${r.rejected}` : ''])];
        const w = head.map((_, i) => Math.max(...lines.map((l) => l[i].length)));
        for (const l of lines) say(l.map((c, i) => (i === 4 ? c.padStart(w[i]) : c.padEnd(w[i]))).join('  ').trimEnd());
      } finally {
        if (!env.engine) engine.dispose();
      }
    });
}
