// Workgroup-tiled batched matmul with scalar loads, for any M, N, K, strides and offsets; the same
// tiling as matmul_tiled.wgsl (lib/matmul_tile.wgsl). Each lane still reads four consecutive
// elements along an operand's fast axis, so a wave's loads stay contiguous.
// #include "lib/activations.wgsl"
// #include "lib/matmul_params.wgsl"

@group(0) @binding(0) var<uniform> p: MatmulParams;
@group(0) @binding(1) var<storage, read> a: array<f32>;
@group(0) @binding(2) var<storage, read> b: array<f32>;
@group(0) @binding(3) var<storage, read> bias: array<f32>;
@group(0) @binding(4) var<storage, read_write> c: array<f32>;

fn load_a(base: u32, m: u32, k: u32) -> vec4<f32> {
  var v = vec4<f32>(0.0);
  for (var q = 0u; q < 4u; q++) {
    let mq = select(m, m + q, a_trans());
    let kq = select(k + q, k, a_trans());
    if (mq < p.M && kq < p.K) { v[q] = a[base + mq * p.a_rs + kq * p.a_cs]; }
  }
  return v;
}

fn load_b(base: u32, k: u32, n: u32) -> vec4<f32> {
  var v = vec4<f32>(0.0);
  for (var q = 0u; q < 4u; q++) {
    let kq = select(k, k + q, b_trans());
    let nq = select(n + q, n, b_trans());
    if (kq < p.K && nq < p.N) { v[q] = b[base + kq * p.b_rs + nq * p.b_cs]; }
  }
  return v;
}

fn store_c(batch: u32, m: u32, n: u32, v: vec4<f32>) {
  if (m >= p.M) { return; }
  let row = p.c_off + batch * p.c_bs + m * p.N;
  for (var q = 0u; q < 4u; q++) {
    let col = n + q;
    if (col >= p.N) { return; }
    var r = p.alpha * v[q];
    if (p.beta != 0.0) { r += p.beta * c[row + col]; }
    if (p.has_bias != 0u) { r += bias[col]; }
    c[row + col] = activate(r, p.act, p.slope);
  }
}

// #include "lib/matmul_tile.wgsl"
