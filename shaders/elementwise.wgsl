// Element-wise z = f(x, y) over a [R, C] matrix, with y broadcast as a scalar, a row vector
// (length C), a column vector (length R) or a full matrix; then an optional activation.
// #include "lib/activations.wgsl"
struct Params {
  R: u32, C: u32, op: u32, y_mode: u32,
  alpha: f32, beta: f32, act: u32, slope: f32,
}

// y_mode: how y is indexed.
const Y_NONE: u32 = 0u;
const Y_SCALAR: u32 = 1u;
const Y_ROW: u32 = 2u;
const Y_COL: u32 = 3u;
const Y_FULL: u32 = 4u;

override WG: u32 = 64u;

@group(0) @binding(0) var<uniform> p: Params;
@group(0) @binding(1) var<storage, read> x: array<f32>;
@group(0) @binding(2) var<storage, read> y: array<f32>;
@group(0) @binding(3) var<storage, read_write> z: array<f32>;

fn apply(op: u32, a: f32, b: f32) -> f32 {
  switch op {
    case 0u: { return a + b; }          // add
    case 1u: { return a - b; }          // sub
    case 2u: { return a * b; }          // mul
    case 3u: { return a / b; }          // div
    case 4u: { return max(a, b); }      // max
    case 5u: { return min(a, b); }      // min
    case 6u: { return a * a; }          // square (y unused)
    case 7u: { return sqrt(max(a, 0.0)); }
    case 8u: { return exp(a); }
    case 9u: { return log(a); }
    case 10u: { return abs(a); }
    case 11u: { return (a - b) * (a - b); } // squared difference
    default: { return a; }                // copy / affine only
  }
}

@compute @workgroup_size(WG, 1, 1)
fn main(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>) {
  let i = gid.x + gid.y * nwg.x * WG;
  if (i >= p.R * p.C) { return; }
  var yv = 0.0;
  switch p.y_mode {
    case 1u: { yv = y[0]; }
    case 2u: { yv = y[i % p.C]; }
    case 3u: { yv = y[i / p.C]; }
    case 4u: { yv = y[i]; }
    default: {}
  }
  // z = act(alpha * f(x, y) + beta)
  z[i] = activate(p.alpha * apply(p.op, x[i], yv) + p.beta, p.act, p.slope);
}
