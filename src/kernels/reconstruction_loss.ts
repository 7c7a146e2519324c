import code from '../../shaders/reconstruction_loss.wgsl';
import type { Engine } from '../engine/engine.js';
import { packUniforms, type KernelSpec } from '../engine/kernel.js';
import type { BufferSlice } from '../engine/tensor.js';

export const reconstructionLossKernel: KernelSpec = {
  name: 'reconstruction_loss', code, bindings: ['uniform', 'read', 'read', 'storage', 'storage'],
};

export const LOSS_KINDS = { mse: 0, bce: 1 } as const;
export type LossKind = keyof typeof LOSS_KINDS;

export interface ReconstructionLossCall {
  rows: number;
  d: number;
  kind: LossKind;
  /** Output activation applied to the logits before MSE (its code); BCE always uses the sigmoid. */
  act: number;
  slope: number;
  /** Multiplies the gradient (e.g. 1/batch). */
  gradScale: number;
  /** Multiplies each row's summed loss (e.g. 1/d for a per-element mean). */
  lossScale: number;
  /** Row r's loss goes to rowLoss[rowOffset + r]. */
  rowOffset: number;
  writeGrad: boolean;
}

const WG = 64;

export function encodeReconstructionLoss(engine: Engine, c: ReconstructionLossCall, z: BufferSlice, y: BufferSlice,
  grad: BufferSlice, rowLoss: BufferSlice): void {
  const maxWg = engine.limits.maxComputeWorkgroupsPerDimension;
  const gy = Math.ceil(c.rows / maxWg);
  engine.dispatch(reconstructionLossKernel, {
    overrides: { WG },
    args: [packUniforms([
      ['u32', c.rows], ['u32', c.d], ['u32', LOSS_KINDS[c.kind]], ['u32', c.act],
      ['f32', c.slope], ['f32', c.gradScale], ['f32', c.lossScale], ['u32', c.rowOffset],
      ['u32', c.writeGrad ? 1 : 0],
    ]), z, y, grad, rowLoss],
    workgroups: [Math.ceil(c.rows / gy), gy],
    cost: { flops: 8 * c.rows * c.d, bytes: 12 * c.rows * c.d },
  });
}
