export { Engine, type EngineOptions, type Dispatch, type DispatchArg } from './engine.js';
export { Tensor, type BufferSlice } from './tensor.js';
export * from './errors.js';
export * from './kernel.js';
export * from './shape.js';
export { BufferPool, sizeClass, type PoolStats } from './pool.js';
export { Tuner, log2Class, timeRuns, type Variant, type VariantFamily, type VariantTrial, type TuneStore, type TuneRow, type TunerOptions } from './tuner.js';
export type { DispatchCost } from './engine.js';
export type { AdapterTraits } from '../gpu/traits.js';
