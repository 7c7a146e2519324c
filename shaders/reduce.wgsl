// Reduction of a [R, C] row-major matrix along one axis: AXIS 0 gives one value per column
// (over rows start..start+count), AXIS 1 one value per row (over columns start..start+count).
// One invocation per output; the host keeps `count` inside LOOP_BUDGET and chains calls with
// `accumulate`, which combines with what y already holds (sum: add; max/min: max/min).
// Sums are blocked (partial sums of BLOCK terms added into a running total) so the f32 error
// grows with BLOCK + count/BLOCK rather than with count.
// `total` (when non-zero) is the flat length, for a ragged last row of a flat array (AXIS 1).
struct Params { R: u32, C: u32, op: u32, scale: f32, total: u32, accumulate: u32, start: u32, count: u32 }

const OP_SUM: u32 = 0u;
const OP_SUMSQ: u32 = 1u;
const OP_MAX: u32 = 2u;
const OP_MIN: u32 = 3u;
const OP_SUMABS: u32 = 4u;
const BLOCK: u32 = 256u;

override WG: u32 = 64u;
override AXIS: u32 = 0u;

@group(0) @binding(0) var<uniform> p: Params;
@group(0) @binding(1) var<storage, read> x: array<f32>;
@group(0) @binding(2) var<storage, read_write> y: array<f32>;

fn term(v: f32) -> f32 {
  switch p.op {
    case 1u: { return v * v; }
    case 4u: { return abs(v); }
    default: { return v; }
  }
}

@compute @workgroup_size(WG, 1, 1)
fn main(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>) {
  let out = gid.x + gid.y * nwg.x * WG;
  var n = p.count;
  var first: u32;
  var stride: u32;
  if (AXIS == 0u) {
    if (out >= p.C) { return; }
    first = p.start * p.C + out; stride = p.C;
  } else {
    if (out >= p.R) { return; }
    first = out * p.C + p.start; stride = 1u;
    if (p.total != 0u) { n = min(n, max(p.total, first) - first); }
  }
  if (n == 0u) { return; }
  if (p.op == OP_MAX || p.op == OP_MIN) {
    var m = x[first];
    for (var i = 1u; i < n; i++) {
      let v = x[first + i * stride];
      m = select(min(m, v), max(m, v), p.op == OP_MAX);
    }
    if (p.accumulate != 0u) { m = select(min(m, y[out]), max(m, y[out]), p.op == OP_MAX); }
    y[out] = m;
    return;
  }
  var total = 0.0;
  var i = 0u;
  while (i < n) {
    let end = min(n, i + BLOCK);
    var part = 0.0;
    for (; i < end; i++) { part += term(x[first + i * stride]); }
    total += part;
  }
  var result = total * p.scale;
  if (p.accumulate != 0u) { result += y[out]; }
  y[out] = result;
}
