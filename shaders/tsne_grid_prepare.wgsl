// Field repulsion, step 2: the fixed-point density of the M^DIMS nodes as a complex signal on the
// (2M)^DIMS zero-padded FFT grid (so the circular convolution equals the linear one; rows stored
// with a pitch of 2M + 1 elements, see tsne_fft.wgsl), resetting
// the i32 density for the next iteration. Every element is written: the FFT works in place and
// leaves the previous spectrum in the padding.
struct Params { m: u32, size: u32, scale: f32 }

override WG: u32 = 64u;
override DIMS: u32 = 2u;

@group(0) @binding(0) var<uniform> p: Params;
@group(0) @binding(1) var<storage, read_write> density: array<atomic<i32>>;
@group(0) @binding(2) var<storage, read_write> dens: array<vec2<f32>>;

@compute @workgroup_size(WG, 1, 1)
fn main(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>) {
  let e = gid.x + gid.y * nwg.x * WG;
  if (e >= p.size) { return; }
  let m = p.m;
  let l = 2u * m;
  let cx = e % l;
  let cy = (e / l) % l;
  let cz = select(0u, e / (l * l), DIMS == 3u);
  var rho = 0.0;
  if (cx < m && cy < m && cz < m) {
    rho = f32(atomicExchange(&density[cx + m * (cy + m * cz)], 0)) / p.scale;
  }
  let pitch = l + 1u;
  dens[cx + pitch * (cy + pitch * cz)] = vec2<f32>(rho, 0.0);
}
