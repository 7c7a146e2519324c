import { existsSync, readdirSync } from 'node:fs';
import type { AdapterAttempt, AdapterChoice, AdapterKind, GpuContext, GpuRequest } from './types.js';
import { NoAdapterError, parseAdapterChoice } from './types.js';
import { describeAdapter, requiredLimits, wantedFeatures } from './limits.js';

/** The SwiftShader Vulkan driver that Debian's chromium package ships. */
export const SWIFTSHADER_ICD = '/usr/lib/chromium/vk_swiftshader_icd.json';

type DawnModule = { create(flags: string[]): GPU; globals: Record<string, unknown> };

let dawn: DawnModule | undefined;
async function loadDawn(): Promise<DawnModule> {
  if (dawn) return dawn;
  try {
    dawn = (await import('webgpu')) as unknown as DawnModule;
  } catch (e) {
    throw new NoAdapterError('The "webgpu" npm package (Dawn for Node) could not be loaded ' +
      `(${(e as Error).message.split('\n')[0]}): run \`npm ci\` in the project.`, []);
  }
  // Dawn's classes (GPUBufferUsage, GPUMapMode, ...) are expected as globals by WebGPU code.
  Object.assign(globalThis, dawn.globals);
  return dawn;
}

/**
 * One Dawn instance per backend for the life of the process. Creating and dropping instances
 * (one per engine) let Dawn's teardown race its own threads: seen here as aborts at exit and
 * hangs when several engines were made in one process.
 */
const instances = new Map<string, GPU>();
function instance(create: DawnModule['create'], flags: string[]): GPU {
  const key = flags.join(' ');
  let gpu = instances.get(key);
  if (!gpu) instances.set(key, (gpu = create(flags)));
  return gpu;
}

interface Candidate {
  kind: Exclude<AdapterKind, 'browser'>;
  flags: string[];
  featureLevel: 'core' | 'compatibility';
  prepare(): string | undefined; // returns a reason to skip
}

const CANDIDATES: Candidate[] = [
  {
    kind: 'hardware', flags: [], featureLevel: 'core',
    // Without a Vulkan loader or driver Dawn prints alarming warnings (and a C++ source line) on
    // stderr that latentgpu cannot stop once Dawn runs; say why here instead and do not start it.
    prepare: () => {
      if (!hasVulkanLoader()) return 'no Vulkan loader (libvulkan.so.1) on this machine';
      if (!hasVulkanDriver()) return 'no Vulkan driver installed (no ICD file in /usr/share/vulkan/icd.d, /etc/vulkan/icd.d or VK_DRIVER_FILES)';
      return undefined;
    },
  },
  {
    kind: 'llvmpipe', flags: ['backend=opengl'], featureLevel: 'compatibility',
    prepare: () => {
      // Mesa's EGL needs no display server when told so.
      process.env.EGL_PLATFORM ??= 'surfaceless';
      return undefined;
    },
  },
  {
    kind: 'swiftshader', flags: ['backend=vulkan'], featureLevel: 'core',
    prepare: () => {
      if (!existsSync(SWIFTSHADER_ICD)) return `${SWIFTSHADER_ICD} not found (install Debian's chromium)`;
      process.env.VK_ICD_FILENAMES = SWIFTSHADER_ICD;
      return undefined;
    },
  },
];

function hasVulkanLoader(): boolean {
  const dirs = ['/usr/lib/x86_64-linux-gnu', '/usr/lib/aarch64-linux-gnu', '/usr/lib64', '/usr/lib', '/usr/local/lib',
    ...(process.env.LD_LIBRARY_PATH ?? '').split(':').filter(Boolean)];
  return process.platform !== 'linux' || dirs.some((d) => existsSync(`${d}/libvulkan.so.1`));
}

/**
 * Whether the Vulkan loader would find a driver: an ICD manifest named by VK_DRIVER_FILES /
 * VK_ICD_FILENAMES / VK_ADD_DRIVER_FILES, or one in the loader's search folders. Only Linux has
 * these folders; elsewhere Dawn uses Metal or D3D12 and this is not asked.
 */
export function hasVulkanDriver(env: Record<string, string | undefined> = process.env, exists: (path: string) => boolean = existsSync,
  list: (dir: string) => string[] = listJson): boolean {
  if (process.platform !== 'linux') return true;
  const named = [env.VK_DRIVER_FILES, env.VK_ICD_FILENAMES, env.VK_ADD_DRIVER_FILES].flatMap((v) => (v ?? '').split(':')).filter(Boolean);
  if (named.some((p) => exists(p))) return true;
  const dataDirs = (env.XDG_DATA_DIRS || '/usr/local/share:/usr/share').split(':').filter(Boolean);
  const configDirs = (env.XDG_CONFIG_DIRS || '/etc/xdg').split(':').filter(Boolean);
  const home = env.XDG_DATA_HOME || (env.HOME ? `${env.HOME}/.local/share` : undefined);
  const dirs = [...configDirs, '/etc', ...(home ? [home] : []), ...dataDirs, '/usr/share'].map((d) => `${d}/vulkan/icd.d`);
  return dirs.some((d) => list(d).length > 0);
}

function listJson(dir: string): string[] {
  try {
    return readdirSync(dir).filter((f) => f.endsWith('.json'));
  } catch {
    return [];
  }
}

function isSoftwareName(description: string): AdapterKind | undefined {
  const d = description.toLowerCase();
  if (d.includes('llvmpipe')) return 'llvmpipe';
  if (d.includes('swiftshader')) return 'swiftshader';
  if (d.includes('lavapipe')) return 'llvmpipe';
  return undefined;
}

/**
 * Finds a WebGPU device in Node through Dawn: a hardware adapter first, then Mesa llvmpipe via
 * Dawn's OpenGL backend (compatibility mode), then SwiftShader via Vulkan. llvmpipe comes before
 * SwiftShader because its f32 throughput measured ~14x higher on this project's machines.
 * `LATENTGPU_ADAPTER` or `request.adapter` forces one kind.
 */
export async function requestNodeGpu(request: GpuRequest = {}): Promise<GpuContext> {
  const choice: AdapterChoice = request.adapter ?? parseAdapterChoice(process.env.LATENTGPU_ADAPTER);
  const { create } = await loadDawn();
  // Mesa and the Vulkan loader complain on stderr without one; nothing is written there.
  process.env.XDG_RUNTIME_DIR ??= '/tmp';
  const tried: AdapterAttempt[] = [];
  const candidates = choice === 'auto' ? CANDIDATES : CANDIDATES.filter((c) => c.kind === choice);
  for (const c of candidates) {
    const skip = c.prepare();
    if (skip) { tried.push({ kind: c.kind, ok: false, reason: skip }); continue; }
    const gpu = instance(create, c.flags);
    try {
      const adapter = await gpu.requestAdapter({ featureLevel: c.featureLevel, powerPreference: 'high-performance' } as GPURequestAdapterOptions);
      if (!adapter) { tried.push({ kind: c.kind, ok: false, reason: 'no adapter offered' }); continue; }
      const description = describeAdapter(adapter);
      const soft = isSoftwareName(description) ?? ((adapter.info as GPUAdapterInfo & { isFallbackAdapter?: boolean }).isFallbackAdapter ? 'swiftshader' : undefined);
      if (c.kind === 'hardware' && soft) {
        tried.push({ kind: c.kind, ok: false, reason: `only a software adapter (${description})` });
        continue;
      }
      const device = await adapter.requestDevice({
        requiredLimits: requiredLimits(adapter),
        requiredFeatures: wantedFeatures(adapter),
        label: `latentgpu:${c.kind}`,
      });
      tried.push({ kind: c.kind, ok: true, reason: description });
      const isSoftware = c.kind !== 'hardware';
      if (isSoftware) {
        request.onWarning?.(`latentgpu: no hardware GPU found; using the software adapter ${c.kind} (${description}). ` +
          'Expect CPU speed.');
      }
      return {
        device, kind: c.kind, description, isSoftware, featureLevel: c.featureLevel, tried,
        release: () => device.destroy(),
      };
    } catch (e) {
      tried.push({ kind: c.kind, ok: false, reason: (e as Error).message.split('\n')[0] });
    }
  }
  const lines = tried.map((t) => `  ${t.kind}: ${t.reason}`).join('\n');
  throw new NoAdapterError(
    `No WebGPU adapter found${choice === 'auto' ? '' : ` for --adapter ${choice}`}. Tried:\n${lines}\n` +
    'Install Mesa (Debian: libegl1 libgl1-mesa-dri) for llvmpipe, or Debian\'s chromium for SwiftShader, ' +
    'or a GPU driver with Vulkan support.', tried);
}
