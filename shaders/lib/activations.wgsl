// Activation functions shared by the fused matmul epilogue and the element-wise kernels.
// Codes match src/kernels/activations.ts.
const ACT_IDENTITY: u32 = 0u;
const ACT_RELU: u32 = 1u;
const ACT_LEAKY_RELU: u32 = 2u;
const ACT_TANH: u32 = 3u;
const ACT_SIGMOID: u32 = 4u;
const ACT_GELU: u32 = 5u;

fn sigmoid_f32(x: f32) -> f32 {
  // exp of a large positive number overflows to inf; take the branch that cannot.
  if (x >= 0.0) { return 1.0 / (1.0 + exp(-x)); }
  let e = exp(x);
  return e / (1.0 + e);
}

fn tanh_f32(x: f32) -> f32 {
  // Some backends compute tanh through exp and return NaN for |x| > ~88.
  return tanh(clamp(x, -15.0, 15.0));
}

// GELU, tanh approximation (Hendrycks & Gimpel 2016), as in most frameworks' "gelu_tanh".
fn gelu_f32(x: f32) -> f32 {
  let c = 0.7978845608028654; // sqrt(2/pi)
  return 0.5 * x * (1.0 + tanh_f32(c * (x + 0.044715 * x * x * x)));
}

fn activate(x: f32, kind: u32, slope: f32) -> f32 {
  switch kind {
    case 1u: { return max(x, 0.0); }
    case 2u: { return select(slope * x, x, x > 0.0); }
    case 3u: { return tanh_f32(x); }
    case 4u: { return sigmoid_f32(x); }
    case 5u: { return gelu_f32(x); }
    default: { return x; }
  }
}

// Derivative with respect to the pre-activation x, given x and y = activate(x).
fn activate_grad(x: f32, y: f32, kind: u32, slope: f32) -> f32 {
  switch kind {
    case 1u: { return select(0.0, 1.0, x > 0.0); }
    case 2u: { return select(slope, 1.0, x > 0.0); }
    case 3u: { return 1.0 - y * y; }
    case 4u: { return y * (1.0 - y); }
    case 5u: {
      let c = 0.7978845608028654;
      let u = c * (x + 0.044715 * x * x * x);
      let t = tanh_f32(u);
      return 0.5 * (1.0 + t) + 0.5 * x * (1.0 - t * t) * c * (1.0 + 3.0 * 0.044715 * x * x);
    }
    default: { return 1.0; }
  }
}
