export { Engine, type EngineOptions, type Dispatch, type DispatchArg } from './engine.js';
export { Tensor, type BufferSlice } from './tensor.js';
export * from './errors.js';
export * from './kernel.js';
export * from './shape.js';
export { BufferPool, sizeClass, type PoolStats } from './pool.js';
