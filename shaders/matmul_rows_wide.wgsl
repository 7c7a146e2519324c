// Row kernel for CPU rasterisers with CW vec4 columns per lane: A and B row-major, K % 4 == 0,
// N % (4·CW) == 0; otherwise the scheme of matmul_vec4.wgsl (rows from workgroup_id, lanes along
// columns). llvmpipe (Mesa 22) turns a storage load whose address is not built from constants and
// uniforms alone into a loop over the SIMD lanes, even when all lanes read the same address, so
// what counts there is elements loaded per FMA: matmul_vec4.wgsl loads 48 per 128 FMAs of a lane
// (per 4 of K), this kernel with CW = 2 loads 64 per 256.
// #include "lib/activations.wgsl"
// #include "lib/matmul_params.wgsl"

override WG: u32 = 64u;
const TM: u32 = 8u;
const CW: u32 = 2u; // vec4 columns per lane

@group(0) @binding(0) var<uniform> p: MatmulParams;
@group(0) @binding(1) var<storage, read> a: array<vec4<f32>>;
@group(0) @binding(2) var<storage, read> b: array<vec4<f32>>;
@group(0) @binding(3) var<storage, read> bias: array<vec4<f32>>;
@group(0) @binding(4) var<storage, read_write> c: array<vec4<f32>>;

@compute @workgroup_size(WG, 1, 1)
fn main(@builtin(workgroup_id) wid: vec3<u32>, @builtin(local_invocation_id) lid: vec3<u32>) {
  let n4 = p.N / 4u;
  let b_rs4 = p.b_rs / 4u;
  let group = wid.x * WG + lid.x;
  let col = min(CW * group, n4 - CW);
  let row0 = wid.y * TM;
  let batch = wid.z;
  let b_base = (p.b_off + batch * p.b_bs) / 4u;
  let a_base = (p.a_off + batch * p.a_bs) / 4u;
  let a_rs4 = p.a_rs / 4u;
  let k4 = p.K / 4u;
  var acc: array<array<vec4<f32>, CW>, TM>;
  for (var k = 0u; k < k4; k++) {
    let kb = b_base + 4u * k * b_rs4 + col;
    var bv: array<array<vec4<f32>, CW>, 4>;
    for (var q = 0u; q < 4u; q++) {
      for (var j = 0u; j < CW; j++) { bv[q][j] = b[kb + q * b_rs4 + j]; }
    }
    for (var i = 0u; i < TM; i++) {
      let av = a[a_base + min(row0 + i, p.M - 1u) * a_rs4 + k];
      for (var j = 0u; j < CW; j++) {
        acc[i][j] = fma(vec4<f32>(av.x), bv[0][j], acc[i][j]);
        acc[i][j] = fma(vec4<f32>(av.y), bv[1][j], acc[i][j]);
        acc[i][j] = fma(vec4<f32>(av.z), bv[2][j], acc[i][j]);
        acc[i][j] = fma(vec4<f32>(av.w), bv[3][j], acc[i][j]);
      }
    }
  }
  if (CW * group >= n4) { return; }
  let c_base = (p.c_off + batch * p.c_bs) / 4u;
  var bias_v: array<vec4<f32>, CW>;
  if (p.has_bias != 0u) { for (var j = 0u; j < CW; j++) { bias_v[j] = bias[col + j]; } }
  for (var i = 0u; i < TM; i++) {
    let r = row0 + i;
    if (r >= p.M) { break; }
    let idx = c_base + r * n4 + col;
    for (var j = 0u; j < CW; j++) {
      var v = p.alpha * acc[i][j];
      if (p.beta != 0.0) { v += p.beta * c[idx + j]; }
      v += bias_v[j];
      c[idx + j] = vec4<f32>(activate(v.x, p.act, p.slope), activate(v.y, p.act, p.slope),
                             activate(v.z, p.act, p.slope), activate(v.w, p.act, p.slope));
    }
  }
}
