// Everything that runs the same in Node and the browser.
export * from './engine/index.js';
export * from './gpu/types.js';
export { matmul, type MatmulOptions } from './ops/matmul.js';
export { ACTIVATIONS, type Activation } from './kernels/activations.js';
