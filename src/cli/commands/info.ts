import type { Command } from 'commander';
import type { CliEnv } from '../context.js';
import { createEngine } from '../../index.js';
import { parseAdapterChoice } from '../../gpu/types.js';

const SHOWN_LIMITS = [
  'maxStorageBufferBindingSize', 'maxBufferSize', 'maxComputeInvocationsPerWorkgroup', 'maxComputeWorkgroupSizeX',
  'maxComputeWorkgroupsPerDimension', 'maxComputeWorkgroupStorageSize', 'maxStorageBuffersPerShaderStage',
  'minStorageBufferOffsetAlignment',
] as const;

/** stdout, written directly so that tests running main() in-process can capture it. */
const say = (line: string) => process.stdout.write(line + '\n');

export function registerInfo(program: Command, env: CliEnv): void {
  program.command('info')
    .description('Show the WebGPU adapter latentgpu picks, its limits and the fallbacks tried.')
    .option('--adapter <kind>', 'auto | hardware | llvmpipe | swiftshader (env LATENTGPU_ADAPTER)')
    .option('--json', 'machine-readable output')
    .addHelpText('after', '\nExample:\n  latentgpu info --adapter llvmpipe')
    .action(async (opts: { adapter?: string; json?: boolean }) => {
      const engine = await (env.engine?.() ?? createEngine({ adapter: opts.adapter ? parseAdapterChoice(opts.adapter) : undefined, onWarning: () => {} }));
      try {
        const limits = Object.fromEntries(SHOWN_LIMITS.map((k) => [k, engine.limits[k]]));
        const features = [...engine.device.features].sort();
        const info = {
          adapter: engine.kind, description: engine.description, software: engine.isSoftware,
          featureLevel: engine.context.featureLevel, tried: engine.context.tried, limits, features,
        };
        if (opts.json) { say(JSON.stringify(info)); return; }
        say(`adapter      ${info.adapter}${info.software ? ' (software: CPU speed)' : ''}`);
        say(`description  ${info.description}`);
        say(`feature level ${info.featureLevel}`);
        say('tried        ' + info.tried.map((t) => `${t.kind}: ${t.ok ? 'ok' : t.reason}`).join('\n             '));
        say('limits');
        for (const [k, v] of Object.entries(limits)) say(`  ${k.padEnd(36)} ${v}`);
        say(`features     ${features.join(', ') || '(none)'}`);
      } finally {
        if (!env.engine) engine.dispose();
      }
    });
}
