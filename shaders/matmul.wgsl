// General batched matmul: C[b] = act(alpha * op(A[b]) * op(B[b]) + beta * C[b] + bias).
// Any M, N, K; transposes and batch broadcast are expressed through element strides.
// Same scheme as matmul_vec4.wgsl (rows of C per workgroup, so A loads are uniform; lanes along
// columns) with scalar loads, for shapes the vec4 kernel cannot take. No workgroup memory or
// barriers: barriers are expensive on CPU adapters.
// #include "lib/activations.wgsl"
// #include "lib/matmul_params.wgsl"

override WG: u32 = 64u;
const TM: u32 = 8u;
const TN: u32 = 4u;

@group(0) @binding(0) var<uniform> p: MatmulParams;
@group(0) @binding(1) var<storage, read> a: array<f32>;
@group(0) @binding(2) var<storage, read> b: array<f32>;
@group(0) @binding(3) var<storage, read> bias: array<f32>;
@group(0) @binding(4) var<storage, read_write> c: array<f32>;

@compute @workgroup_size(WG, 1, 1)
fn main(@builtin(workgroup_id) wid: vec3<u32>, @builtin(local_invocation_id) lid: vec3<u32>) {
  let col0 = (wid.x * WG + lid.x) * TN;
  let row0 = wid.y * TM;
  let batch = wid.z;
  let a_base = p.a_off + batch * p.a_bs;
  var bcol: array<u32, TN>;
  for (var j = 0u; j < TN; j++) { bcol[j] = p.b_off + batch * p.b_bs + min(col0 + j, p.N - 1u) * p.b_cs; }
  var arow: array<u32, TM>;
  for (var i = 0u; i < TM; i++) { arow[i] = a_base + min(row0 + i, p.M - 1u) * p.a_rs; }
  var acc: array<array<f32, TN>, TM>;
  for (var k = 0u; k < p.K; k++) {
    var bv: array<f32, TN>;
    for (var j = 0u; j < TN; j++) { bv[j] = b[bcol[j] + k * p.b_rs]; }
    for (var i = 0u; i < TM; i++) {
      let av = a[arow[i] + k * p.a_cs];
      for (var j = 0u; j < TN; j++) { acc[i][j] = fma(av, bv[j], acc[i][j]); }
    }
  }
  if (col0 >= p.N) { return; }
  let c_base = p.c_off + batch * p.c_bs;
  for (var i = 0u; i < TM; i++) {
    let r = row0 + i;
    if (r >= p.M) { break; }
    for (var j = 0u; j < TN; j++) {
      let col = col0 + j;
      if (col >= p.N) { break; }
      let idx = c_base + r * p.N + col;
      var v = p.alpha * acc[i][j];
      if (p.beta != 0.0) { v += p.beta * c[idx]; }
      if (p.has_bias != 0u) { v += bias[col]; }
      c[idx] = activate(v, p.act, p.slope);
    }
  }
}
