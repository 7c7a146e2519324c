// Workgroup-tiled batched matmul with vec4 loads and stores (the GPU shape): C[b] = act(alpha ·
// op(A[b]) · op(B[b]) + beta · C[b] + bias). Needs each operand's fast axis, N, the strides and
// offsets to be multiples of 4 (see tiledVec4Applies in src/kernels/matmul_tiled.ts); the tiling
// itself is in lib/matmul_tile.wgsl.
// #include "lib/activations.wgsl"
// #include "lib/matmul_params.wgsl"

@group(0) @binding(0) var<uniform> p: MatmulParams;
@group(0) @binding(1) var<storage, read> a: array<vec4<f32>>;
@group(0) @binding(2) var<storage, read> b: array<vec4<f32>>;
@group(0) @binding(3) var<storage, read> bias: array<vec4<f32>>;
@group(0) @binding(4) var<storage, read_write> c: array<vec4<f32>>;

fn load_a(base: u32, m: u32, k: u32) -> vec4<f32> {
  if (m >= p.M || k >= p.K) { return vec4<f32>(0.0); }
  return a[(base + m * p.a_rs + k * p.a_cs) / 4u];
}

fn load_b(base: u32, k: u32, n: u32) -> vec4<f32> {
  if (k >= p.K || n >= p.N) { return vec4<f32>(0.0); }
  return b[(base + k * p.b_rs + n * p.b_cs) / 4u];
}

fn store_c(batch: u32, m: u32, n: u32, v: vec4<f32>) {
  if (m >= p.M || n >= p.N) { return; }
  let idx = (p.c_off + batch * p.c_bs + m * p.N + n) / 4u;
  var r = p.alpha * v;
  if (p.beta != 0.0) { r += p.beta * c[idx]; }
  if (p.has_bias != 0u) { r += bias[n / 4u]; }
  c[idx] = vec4<f32>(activate(r.x, p.act, p.slope), activate(r.y, p.act, p.slope),
                     activate(r.z, p.act, p.slope), activate(r.w, p.act, p.slope));
}

// #include "lib/matmul_tile.wgsl"
