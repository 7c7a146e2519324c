// Row-wise normalisation of a [R, C] matrix: softmax (exp(x − max) / Σ), L1 (x / Σ|x|) or
// L2 (x / ‖x‖₂). One invocation per row, three passes over the row (max, sum, write).
struct Params { R: u32, C: u32, mode: u32, _p: u32 }

const MODE_SOFTMAX: u32 = 0u;
const MODE_L1: u32 = 1u;
const MODE_L2: u32 = 2u;

override WG: u32 = 64u;

@group(0) @binding(0) var<uniform> p: Params;
@group(0) @binding(1) var<storage, read> x: array<f32>;
@group(0) @binding(2) var<storage, read_write> y: array<f32>;

@compute @workgroup_size(WG, 1, 1)
fn main(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>) {
  let r = gid.x + gid.y * nwg.x * WG;
  if (r >= p.R) { return; }
  let base = r * p.C;
  var m = -0x1.fffffep+127f;
  if (p.mode == MODE_SOFTMAX) {
    for (var c = 0u; c < p.C; c++) { m = max(m, x[base + c]); }
  }
  var s = 0.0;
  for (var c = 0u; c < p.C; c++) {
    let v = x[base + c];
    switch p.mode {
      case 0u: { s += exp(v - m); }
      case 1u: { s += abs(v); }
      default: { s += v * v; }
    }
  }
  if (p.mode == MODE_L2) { s = sqrt(s); }
  // An all-zero row stays zero rather than becoming NaN.
  let inv = select(0.0, 1.0 / s, s > 0.0);
  for (var c = 0u; c < p.C; c++) {
    let v = x[base + c];
    y[base + c] = select(v * inv, exp(v - m) * inv, p.mode == MODE_SOFTMAX);
  }
}
