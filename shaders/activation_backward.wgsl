// dz = da ⊙ f'(z): the gradient through an activation, from its input z (pre) and output f(z) (post).
// ReLU, leaky ReLU, tanh and sigmoid only need post; GELU needs pre.
// #include "lib/activations.wgsl"
struct Params {
  n: u32, act: u32, slope: f32,
}

override WG: u32 = 64u;

@group(0) @binding(0) var<uniform> p: Params;
@group(0) @binding(1) var<storage, read> da: array<f32>;
@group(0) @binding(2) var<storage, read> pre: array<f32>;
@group(0) @binding(3) var<storage, read> post: array<f32>;
@group(0) @binding(4) var<storage, read_write> dz: array<f32>;

@compute @workgroup_size(WG, 1, 1)
fn main(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>) {
  let i = gid.x + gid.y * nwg.x * WG;
  if (i >= p.n) { return; }
  let y = post[i];
  // For every kind but GELU, y > 0 ⇔ z > 0, so post stands in for pre.
  var z = y;
  if (p.act == ACT_GELU) { z = pre[i]; }
  dz[i] = da[i] * activate_grad(z, y, p.act, p.slope);
}
