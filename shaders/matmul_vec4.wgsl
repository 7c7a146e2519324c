// Fast batched matmul for N % 4 == 0 in three layouts: A row-major (K % 4 == 0, read as vec4
// along k) with B row-major or transposed (B_TRANS: read as vec4 along k, combined by dot
// products); or A transposed (A_TRANS, M % 4 == 0, read as vec4 along m) with B row-major.
//
// Why this shape: CPU adapters (llvmpipe) run each invocation as one SIMD lane. Rows of C are taken
// from workgroup_id, so every lane of a workgroup reads the same A element: a uniform load that is
// broadcast instead of gathered. Lanes run along the columns of C, one vec4 each, so the only
// per-lane (gathered) loads are B's, each used for TM rows. Measured on llvmpipe at 1024³ this
// reached ~14 GFLOP/s against ~3 for a per-invocation 4x4 register tile.
// #include "lib/activations.wgsl"
// #include "lib/matmul_params.wgsl"

override WG: u32 = 64u;
override A_TRANS: bool = false;
override B_TRANS: bool = false;
const TM: u32 = 8u;

@group(0) @binding(0) var<uniform> p: MatmulParams;
@group(0) @binding(1) var<storage, read> a: array<vec4<f32>>;
@group(0) @binding(2) var<storage, read> b: array<vec4<f32>>;
@group(0) @binding(3) var<storage, read> bias: array<vec4<f32>>;
@group(0) @binding(4) var<storage, read_write> c: array<vec4<f32>>;

@compute @workgroup_size(WG, 1, 1)
fn main(@builtin(workgroup_id) wid: vec3<u32>, @builtin(local_invocation_id) lid: vec3<u32>) {
  let n4 = p.N / 4u;
  let b_rs4 = p.b_rs / 4u;
  let col4 = wid.x * WG + lid.x;
  let col = min(col4, n4 - 1u);
  let row0 = wid.y * TM;
  let batch = wid.z;
  let b_base = (p.b_off + batch * p.b_bs) / 4u;
  var acc: array<vec4<f32>, TM>;
  if (A_TRANS) {
    // A stored [K, M]: four consecutive rows of op(A) are one vec4 of a row of storage.
    let m4 = p.M / 4u;
    let a_cs4 = p.a_cs / 4u;
    let a_base = (p.a_off + batch * p.a_bs) / 4u;
    for (var k = 0u; k < p.K; k++) {
      let bv = b[b_base + k * b_rs4 + col];
      for (var q = 0u; q < TM / 4u; q++) {
        let av = a[a_base + k * a_cs4 + min(row0 / 4u + q, m4 - 1u)];
        acc[4u * q] = fma(vec4<f32>(av.x), bv, acc[4u * q]);
        acc[4u * q + 1u] = fma(vec4<f32>(av.y), bv, acc[4u * q + 1u]);
        acc[4u * q + 2u] = fma(vec4<f32>(av.z), bv, acc[4u * q + 2u]);
        acc[4u * q + 3u] = fma(vec4<f32>(av.w), bv, acc[4u * q + 3u]);
      }
    }
  } else if (B_TRANS) {
    // B stored [N, K]: each lane reads its four columns' k-vectors and takes dot products.
    let k4 = p.K / 4u;
    let a_rs4 = p.a_rs / 4u;
    let b_cs4 = p.b_cs / 4u;
    let a_base = (p.a_off + batch * p.a_bs) / 4u;
    let bc = b_base + 4u * col * b_cs4;
    for (var k = 0u; k < k4; k++) {
      let b0 = b[bc + k];
      let b1 = b[bc + b_cs4 + k];
      let b2 = b[bc + 2u * b_cs4 + k];
      let b3 = b[bc + 3u * b_cs4 + k];
      for (var i = 0u; i < TM; i++) {
        let av = a[a_base + min(row0 + i, p.M - 1u) * a_rs4 + k];
        acc[i] += vec4<f32>(dot(av, b0), dot(av, b1), dot(av, b2), dot(av, b3));
      }
    }
  } else {
    let k4 = p.K / 4u;
    let a_rs4 = p.a_rs / 4u;
    let a_base = (p.a_off + batch * p.a_bs) / 4u;
    for (var k = 0u; k < k4; k++) {
      let kb = b_base + 4u * k * b_rs4 + col;
      let b0 = b[kb];
      let b1 = b[kb + b_rs4];
      let b2 = b[kb + 2u * b_rs4];
      let b3 = b[kb + 3u * b_rs4];
      for (var i = 0u; i < TM; i++) {
        let av = a[a_base + min(row0 + i, p.M - 1u) * a_rs4 + k];
        acc[i] = fma(vec4<f32>(av.x), b0, acc[i]);
        acc[i] = fma(vec4<f32>(av.y), b1, acc[i]);
        acc[i] = fma(vec4<f32>(av.z), b2, acc[i]);
        acc[i] = fma(vec4<f32>(av.w), b3, acc[i]);
      }
    }
  }
  if (col4 >= n4) { return; }
  let c_base = (p.c_off + batch * p.c_bs) / 4u;
  var bias_v = vec4<f32>(0.0);
  if (p.has_bias != 0u) { bias_v = bias[col4]; }
  for (var i = 0u; i < TM; i++) {
    let r = row0 + i;
    if (r >= p.M) { break; }
    let idx = c_base + r * n4 + col4;
    var v = p.alpha * acc[i];
    if (p.beta != 0.0) { v += p.beta * c[idx]; }
    v += bias_v;
    c[idx] = vec4<f32>(activate(v.x, p.act, p.slope), activate(v.y, p.act, p.slope),
                       activate(v.z, p.act, p.slope), activate(v.w, p.act, p.slope));
  }
}
