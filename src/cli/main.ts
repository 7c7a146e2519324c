import { removePendingTemps } from '../io/write.js';
import { main } from './program.js';

// Ctrl-C, SIGTERM and SIGHUP abort the run: models stop at their next check and temporary files
// are removed (without a handler, SIGTERM and SIGHUP would kill the process mid-write and leave
// the hidden temporary file). A second signal exits at once, still removing them.
const interrupt = new AbortController();
const SIGNALS = { SIGINT: 2, SIGTERM: 15, SIGHUP: 1 } as const;
/**
 * A stage that records long GPU batches (a kNN tile sweep on a CPU adapter) sees the abort only
 * when its batch ends; after this long the process leaves without waiting for it. Nothing is lost:
 * outputs are only ever renamed into place whole, and the temporary files are removed here.
 */
const GRACE_MS = 1000;
let received: keyof typeof SIGNALS | undefined;
let receivedAt = 0;
/** A repeat within this long is one Ctrl-C delivered twice (by the terminal and by the `-q` wrapper), not a second press. */
const SAME_SIGNAL_MS = 300;

function leave(code: number): never {
  removePendingTemps();
  process.stderr.write('latentgpu: interrupted.\n');
  if (process.argv.includes('--json')) process.stdout.write(JSON.stringify({ error: 'interrupted.', exit_code: code }) + '\n');
  process.exit(code);
}

for (const name of Object.keys(SIGNALS) as (keyof typeof SIGNALS)[]) {
  process.on(name, () => {
    if (interrupt.signal.aborted) {
      if (performance.now() - receivedAt < SAME_SIGNAL_MS) return;
      leave(128 + SIGNALS[received ?? name]);
    }
    received = name;
    receivedAt = performance.now();
    interrupt.abort();
    setTimeout(() => leave(128 + SIGNALS[name]), GRACE_MS).unref();
  });
}
let code = await main(process.argv, { signal: interrupt.signal });
// A run stopped by SIGTERM or SIGHUP exits as such (143, 129); Ctrl-C gives 130 from main.
if (code === 130 && received && received !== 'SIGINT') code = 128 + SIGNALS[received];
// Exit explicitly: Dawn's teardown at a natural exit can abort the process after the work is done.
// Output still buffered for stdout/stderr (a slow pipe) is written out first.
await Promise.all([process.stdout, process.stderr].map((s) => new Promise<void>((r) => s.write('', () => r()))));
process.exit(code);
