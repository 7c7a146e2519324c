import { LatentGpuError } from '../errors.js';

/** Which kind of WebGPU adapter a context runs on. */
export type AdapterKind = 'hardware' | 'llvmpipe' | 'swiftshader' | 'browser';

/** What the user may ask for: a kind, or `auto` for the best available. */
export type AdapterChoice = 'auto' | 'hardware' | 'llvmpipe' | 'swiftshader';

export const ADAPTER_CHOICES: readonly AdapterChoice[] = ['auto', 'hardware', 'llvmpipe', 'swiftshader'];

/** One adapter that was tried while looking for a device, and why it was or was not taken. */
export interface AdapterAttempt {
  kind: AdapterKind;
  ok: boolean;
  reason: string;
}

/** A device with what is known about where it came from. */
export interface GpuContext {
  device: GPUDevice;
  kind: AdapterKind;
  /** Human-readable adapter name, e.g. "llvmpipe (LLVM 15.0.6, 256 bits)". */
  description: string;
  /** True for CPU-emulated adapters (llvmpipe, SwiftShader). */
  isSoftware: boolean;
  /** 'core' or 'compatibility'. */
  featureLevel: 'core' | 'compatibility';
  tried: AdapterAttempt[];
  /** Releases the device and whatever keeps the process alive. */
  release(): void;
}

export interface GpuRequest {
  adapter?: AdapterChoice;
  /** Called once with a warning, e.g. when a software adapter is used. */
  onWarning?: (message: string) => void;
}

/** No WebGPU adapter could be had (or an unknown one was asked for); `tried` says what was attempted. */
export class NoAdapterError extends LatentGpuError {
  constructor(message: string, readonly tried: AdapterAttempt[]) {
    super(message);
  }
}

export function parseAdapterChoice(value: string | undefined): AdapterChoice {
  const v = (value ?? 'auto').trim().toLowerCase();
  if ((ADAPTER_CHOICES as readonly string[]).includes(v)) return v as AdapterChoice;
  throw new NoAdapterError(`Unknown adapter "${value}": expected one of ${ADAPTER_CHOICES.join(', ')}.`, []);
}
