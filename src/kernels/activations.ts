import { InvalidInputError } from '../engine/errors.js';

/** Activation functions with their codes in `shaders/lib/activations.wgsl`. */
export const ACTIVATIONS = ['identity', 'relu', 'leaky_relu', 'tanh', 'sigmoid', 'gelu'] as const;
export type Activation = (typeof ACTIVATIONS)[number];

export function activationCode(a: Activation): number {
  const i = ACTIVATIONS.indexOf(a);
  if (i < 0) throw new InvalidInputError(`Unknown activation "${a}": expected one of ${ACTIVATIONS.join(', ')}.`);
  return i;
}

/** Default negative slope of leaky ReLU. */
export const LEAKY_SLOPE = 0.01;
