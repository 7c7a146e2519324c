import type { VariantFamily } from '../engine/tuner.js';

/** An op the tuner can measure, with the shapes `latentgpu tune` pre-tunes it for. */
export interface TunedOp {
  // Families differ in their shape type; the registry only passes each its own shapes.
  family: VariantFamily<any>; // eslint-disable-line @typescript-eslint/no-explicit-any
  /** Shapes the project's pipelines use (PCA, kNN, t-SNE, training on Fashion-MNIST-sized data). */
  shapes: { label: string; shape: unknown }[];
}

/** Every op with variants. */
export const TUNED_OPS: TunedOp[] = [];
