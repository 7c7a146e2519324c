// Field repulsion, once per grid refresh: the two packed convolution kernels on the zero-padded
// FFT grid of L = 2M points per dimension (so the circular convolution equals the linear one),
//   kerA[e] = (K(r), K(r)²·r_x),   kerB[e] = (K(r)²·r_y, K(r)²·r_z),   K = 1/(1+|r|²),
// with r the node offset that e stands for (c < M → c·h, c > M → (c − L)·h; c = M never occurs
// between two nodes and is zeroed). Rows have a pitch of L + 1 elements (see tsne_fft.wgsl). Two real kernels share one complex signal: since the density ρ
// is real, IFFT(ρ̂·(Â + iB̂)) = ρ∗A + i·ρ∗B, which halves the inverse FFTs.
struct Params { m: u32, size: u32, h: f32 }

override WG: u32 = 64u;
override DIMS: u32 = 2u;

@group(0) @binding(0) var<uniform> p: Params;
@group(0) @binding(1) var<storage, read_write> kerA: array<vec2<f32>>;
@group(0) @binding(2) var<storage, read_write> kerB: array<vec2<f32>>;

fn offset(c: u32, l: u32, m: u32) -> f32 {
  if (c < m) { return f32(c); }
  return f32(i32(c) - i32(l));
}

@compute @workgroup_size(WG, 1, 1)
fn main(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>) {
  let e = gid.x + gid.y * nwg.x * WG;
  if (e >= p.size) { return; }
  let m = p.m;
  let l = 2u * m;
  let cx = e % l;
  let cy = (e / l) % l;
  let cz = select(0u, e / (l * l), DIMS == 3u);
  let at = cx + (l + 1u) * (cy + (l + 1u) * cz);
  if (cx == m || cy == m || cz == m) {
    kerA[at] = vec2<f32>(0.0);
    kerB[at] = vec2<f32>(0.0);
    return;
  }
  let r = p.h * vec3<f32>(offset(cx, l, m), offset(cy, l, m), select(0.0, offset(cz, l, m), DIMS == 3u));
  let k = 1.0 / (1.0 + dot(r, r));
  let k2 = k * k;
  kerA[at] = vec2<f32>(k, k2 * r.x);
  kerB[at] = vec2<f32>(k2 * r.y, k2 * r.z);
}
