/** Float64 activations matching shaders/lib/activations.wgsl (GELU in its tanh form). */
export const refActivations: Record<string, (x: number, slope?: number) => number> = {
  identity: (x) => x,
  relu: (x) => Math.max(x, 0),
  leaky_relu: (x, s = 0.01) => (x > 0 ? x : s * x),
  tanh: (x) => Math.tanh(x),
  sigmoid: (x) => 1 / (1 + Math.exp(-x)),
  gelu: (x) => 0.5 * x * (1 + Math.tanh(Math.sqrt(2 / Math.PI) * (x + 0.044715 * x ** 3))),
};

export const refActivationGrads: Record<string, (x: number, slope?: number) => number> = {
  identity: () => 1,
  relu: (x) => (x > 0 ? 1 : 0),
  leaky_relu: (x, s = 0.01) => (x > 0 ? 1 : s),
  tanh: (x) => 1 - Math.tanh(x) ** 2,
  sigmoid: (x) => { const y = 1 / (1 + Math.exp(-x)); return y * (1 - y); },
  gelu: (x) => {
    const c = Math.sqrt(2 / Math.PI);
    const t = Math.tanh(c * (x + 0.044715 * x ** 3));
    return 0.5 * (1 + t) + 0.5 * x * (1 - t * t) * c * (1 + 3 * 0.044715 * x * x);
  },
};
