// Fills x[i] with a seeded uniform value in [lo, hi) or a normal with mean lo and deviation hi,
// element i drawing from Philox counter (i, stream, 0, 0): the same seed gives the same tensor
// on any adapter that computes log/cos alike.
// #include "lib/philox.wgsl"
struct Params {
  n: u32, normal: u32, seed: u32, stream: u32,
  lo: f32, hi: f32,
}

override WG: u32 = 64u;

@group(0) @binding(0) var<uniform> p: Params;
@group(0) @binding(1) var<storage, read_write> x: array<f32>;

@compute @workgroup_size(WG, 1, 1)
fn main(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>) {
  let i = gid.x + gid.y * nwg.x * WG;
  if (i >= p.n) { return; }
  let r = philox4x32(vec4<u32>(i, p.stream, 0u, 0u), vec2<u32>(p.seed, 0x5EEDu));
  let u1 = philox_unit(r.x);
  let u2 = philox_unit(r.y);
  if (p.normal != 0u) {
    x[i] = p.lo + p.hi * box_muller(u1, u2);
  } else {
    x[i] = p.lo + (p.hi - p.lo) * u1;
  }
}
