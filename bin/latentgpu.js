#!/usr/bin/env node
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';

const cli = fileURLToPath(new URL('../dist/cli.js', import.meta.url));
if (!existsSync(cli)) {
  console.error('latentgpu is not built yet: run `npm run setup` (or `npm run build`) in the project first.');
  process.exit(1);
}

// Dawn's native code writes some warnings straight to the process's stderr (software OpenGL's
// "artificially reduced" limits when the adapter is found), where no JavaScript can stop them. With
// -q or --json, stderr must hold only latentgpu's own lines, so the CLI runs as a child whose stderr
// passes through this filter. Without them it runs here, on the terminal, for its progress bars.
const NATIVE_NOISE = [
  /^Warning: .*artificially reduced from \d+ to \d+/,
  /^Warning: vkCreateInstance/,
  /^\s+at \w+ \(.*\.(cpp|cc|h|mm):\d+\)$/,
];

const args = process.argv.slice(2);
const end = args.indexOf('--');
const flags = end < 0 ? args : args.slice(0, end);
const quietOrJson = flags.some((a) => a === '-q' || a === '--quiet' || a === '--json' || /^-[a-pr-z]*q[a-z]*$/i.test(a));

if (!quietOrJson || process.env.LATENTGPU_CHILD === '1') {
  await import(cli);
} else {
  const child = spawn(process.execPath, [...process.execArgv, fileURLToPath(import.meta.url), ...args], {
    stdio: ['inherit', 'inherit', 'pipe'], env: { ...process.env, LATENTGPU_CHILD: '1' },
  });
  let dropped = false;
  createInterface({ input: child.stderr, crlfDelay: Infinity }).on('line', (line) => {
    // A native warning may be followed by one empty line of its own.
    if (NATIVE_NOISE.some((re) => re.test(line)) || (dropped && line === '')) { dropped = true; return; }
    dropped = false;
    process.stderr.write(line + '\n');
  });
  // Signals are passed on, SIGINT too: a terminal's Ctrl-C reaches both processes (the child takes
  // the copy that follows within a moment as the same one), but `kill -INT` of this process alone
  // must stop the run as well, not be swallowed here.
  for (const sig of ['SIGINT', 'SIGTERM', 'SIGHUP']) process.on(sig, () => child.kill(sig));
  child.on('exit', (code, signal) => {
    const done = () => {
      if (signal) { process.removeAllListeners(signal); process.kill(process.pid, signal); } else process.exit(code ?? 1);
    };
    if (child.stderr.readableEnded) done(); else child.stderr.once('close', done);
  });
}
