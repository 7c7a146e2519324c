import { GpuError } from './errors.js';
import { ShaderStage } from './usage.js';
import { layoutKey, pipelineKey, type BindingKind, type KernelSpec, type OverrideValues } from './kernel.js';

export interface Layout {
  bindGroup: GPUBindGroupLayout;
  pipeline: GPUPipelineLayout;
  key: string;
}

const BUFFER_TYPE: Record<BindingKind, GPUBufferBindingType> = {
  uniform: 'uniform',
  read: 'read-only-storage',
  storage: 'storage',
};

/**
 * Compiled pipelines under a typed key (kernel + overrides), with explicit layouts shared by every
 * kernel that declares the same bindings. Shader compilation messages are checked asynchronously
 * and reported through `report` as GpuErrors naming the kernel.
 */
export class PipelineCache {
  private pipelines = new Map<string, GPUComputePipeline>();
  private modules = new Map<string, GPUShaderModule>();
  private layouts = new Map<string, Layout>();

  constructor(
    private readonly device: GPUDevice,
    private readonly debug: boolean,
    private readonly report: (check: Promise<GpuError | null>) => void,
  ) {}

  get size(): number {
    return this.pipelines.size;
  }

  layout(bindings: readonly BindingKind[]): Layout {
    const key = layoutKey(bindings);
    let l = this.layouts.get(key);
    if (!l) {
      const bindGroup = this.device.createBindGroupLayout({
        label: `layout(${key})`,
        entries: bindings.map((kind, binding) => ({
          // Uniforms live in the engine's ring buffer, one dynamic offset per dispatch.
          binding, visibility: ShaderStage.COMPUTE, buffer: { type: BUFFER_TYPE[kind], hasDynamicOffset: kind === 'uniform' },
        })),
      });
      const pipeline = this.device.createPipelineLayout({ label: `layout(${key})`, bindGroupLayouts: [bindGroup] });
      this.layouts.set(key, (l = { bindGroup, pipeline, key }));
    }
    return l;
  }

  private module(spec: KernelSpec): GPUShaderModule {
    let m = this.modules.get(spec.name);
    if (!m) {
      m = this.device.createShaderModule({ label: spec.name, code: spec.code });
      this.modules.set(spec.name, m);
      const mod = m;
      this.report(mod.getCompilationInfo().then((info) => {
        const errs = info.messages.filter((msg) => msg.type === 'error');
        if (!errs.length) return null;
        const text = errs.map((msg) => `${spec.name}.wgsl:${msg.lineNum}:${msg.linePos}: ${msg.message}`).join('\n');
        return new GpuError('compilation', [spec.name], text);
      }));
    }
    return m;
  }

  get(spec: KernelSpec, overrides: OverrideValues = {}): GPUComputePipeline {
    const key = pipelineKey(spec, overrides);
    let p = this.pipelines.get(key);
    if (!p) {
      if (this.debug) console.error(`// ---- ${key}\n${spec.code}`);
      p = this.device.createComputePipeline({
        label: spec.name,
        layout: this.layout(spec.bindings).pipeline,
        compute: { module: this.module(spec), entryPoint: spec.entryPoint ?? 'main', constants: { ...overrides } },
      });
      this.pipelines.set(key, p);
    }
    return p;
  }

  /**
   * Compiles a pipeline now and waits for the result, so that a broken kernel fails here with
   * its label rather than at the next sync.
   */
  async prepare(spec: KernelSpec, overrides: OverrideValues = {}): Promise<GPUComputePipeline> {
    const key = pipelineKey(spec, overrides);
    const cached = this.pipelines.get(key);
    if (cached) return cached;
    try {
      const p = await this.device.createComputePipelineAsync({
        label: spec.name,
        layout: this.layout(spec.bindings).pipeline,
        compute: { module: this.module(spec), entryPoint: spec.entryPoint ?? 'main', constants: { ...overrides } },
      });
      this.pipelines.set(key, p);
      return p;
    } catch (e) {
      throw new GpuError('validation', [spec.name], (e as Error).message);
    }
  }

  clear(): void {
    this.pipelines.clear();
    this.modules.clear();
    this.layouts.clear();
  }
}
