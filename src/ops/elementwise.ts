import type { Engine } from '../engine/engine.js';
import { ShapeError } from '../engine/errors.js';
import { formatShape } from '../engine/shape.js';
import type { Tensor } from '../engine/tensor.js';
import { activationCode, LEAKY_SLOPE, type Activation } from '../kernels/activations.js';
import { encodeElementwise, type ElementwiseOp, type YMode } from '../kernels/elementwise.js';

export interface ElementwiseOptions {
  /** z = act(alpha·f(x, y) + beta). */
  alpha?: number;
  beta?: number;
  activation?: Activation;
  slope?: number;
  /** Write here (must not be x or y: WebGPU forbids binding one buffer as input and output). */
  out?: Tensor;
  label?: string;
}

/** How y broadcasts against x viewed as [rows, cols]: same size, a row vector, a column vector, or one value. */
function yMode(x: Tensor, y: Tensor | undefined): YMode {
  if (!y) return 'none';
  if (y.size === x.size) return 'full';
  if (y.size === 1) return 'scalar';
  if (y.size === x.cols) return 'row';
  if (y.size === x.rows) return 'col';
  throw new ShapeError(`${formatShape(y.shape)} does not broadcast against ${formatShape(x.shape)} ` +
    '(expected the same size, one value, a row of length cols or a column of length rows).');
}

/** z = act(alpha·op(x, y) + beta) with y broadcast as a scalar, a row vector, a column vector or in full. */
export function elementwise(engine: Engine, op: ElementwiseOp, x: Tensor, y?: Tensor, o: ElementwiseOptions = {}): Tensor {
  if (x.dtype !== 'f32' || (y && y.dtype !== 'f32')) throw new ShapeError(`${op}: operands must be f32.`);
  const mode = yMode(x, y);
  const z = o.out ?? engine.empty(x.shape, 'f32', o.label ?? `elementwise.${op}`);
  if (z.size !== x.size) throw new ShapeError(`${op}: out ${formatShape(z.shape)} does not match ${formatShape(x.shape)}.`);
  if (z.buffer === x.buffer || (y && z.buffer === y.buffer)) throw new ShapeError(`${op}: out must not alias an input.`);
  encodeElementwise(engine, {
    R: x.rows, C: x.cols, op, yMode: mode, alpha: o.alpha ?? 1, beta: o.beta ?? 0,
    act: activationCode(o.activation ?? 'identity'), slope: o.slope ?? LEAKY_SLOPE,
  }, x.slice(), y ? y.slice() : engine.placeholder(), z.slice());
  return z;
}

export const add = (e: Engine, x: Tensor, y: Tensor, o?: ElementwiseOptions) => elementwise(e, 'add', x, y, o);
export const sub = (e: Engine, x: Tensor, y: Tensor, o?: ElementwiseOptions) => elementwise(e, 'sub', x, y, o);
export const mul = (e: Engine, x: Tensor, y: Tensor, o?: ElementwiseOptions) => elementwise(e, 'mul', x, y, o);
export const div = (e: Engine, x: Tensor, y: Tensor, o?: ElementwiseOptions) => elementwise(e, 'div', x, y, o);
/** act(alpha·x + beta). */
export const affine = (e: Engine, x: Tensor, o?: ElementwiseOptions) => elementwise(e, 'copy', x, undefined, o);
export const activate = (e: Engine, x: Tensor, activation: Activation, o?: ElementwiseOptions) =>
  elementwise(e, 'copy', x, undefined, { ...o, activation });
