import { removePendingTemps } from '../io/write.js';
import { main } from './program.js';

// Ctrl-C aborts the run (models stop at their next check, temporary files are removed); a second one exits at once.
const interrupt = new AbortController();
process.on('SIGINT', () => {
  if (interrupt.signal.aborted) { removePendingTemps(); process.exit(130); }
  interrupt.abort();
});
const code = await main(process.argv, { signal: interrupt.signal });
// Exit explicitly: Dawn's teardown at a natural exit can abort the process after the work is done.
// Output still buffered for stdout/stderr (a slow pipe) is written out first.
await Promise.all([process.stdout, process.stderr].map((s) => new Promise<void>((r) => s.write('', () => r()))));
process.exit(code);
