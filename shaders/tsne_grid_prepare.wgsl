// Field repulsion, step 2: lays out the convolution inputs on the zero-padded FFT grid of
// L = 2M points per dimension (so the circular convolution equals the linear one).
//   dens[e]  = (ρ(e), 0) for e inside the M^DIMS node block (the fixed-point density, which is
//              reset to 0 here for the next iteration), 0 in the padding;
//   kerA[e]  = (K(r), K(r)²·r_x),   kerB[e] = (K(r)²·r_y, K(r)²·r_z)
// with r the node offset that e stands for (e < M → e·h, e > M → (e − L)·h) and K = 1/(1+|r|²).
// Two real kernels share one complex signal: since ρ is real, IFFT(ρ̂·(Â + iB̂)) = ρ∗A + i·ρ∗B,
// which halves the FFTs (Linderman et al. 2019 convolve each real kernel separately).
// #include "lib/tsne_grid.wgsl"
struct Params { m: u32, size: u32, scale: f32 }

override WG: u32 = 64u;
override DIMS: u32 = 2u;

@group(0) @binding(0) var<uniform> p: Params;
@group(0) @binding(1) var<storage, read> bmin: array<f32>;
@group(0) @binding(2) var<storage, read> bmax: array<f32>;
@group(0) @binding(3) var<storage, read_write> density: array<atomic<i32>>;
@group(0) @binding(4) var<storage, read_write> dens: array<vec2<f32>>;
@group(0) @binding(5) var<storage, read_write> kerA: array<vec2<f32>>;
@group(0) @binding(6) var<storage, read_write> kerB: array<vec2<f32>>;

fn offset(c: u32, l: u32, m: u32) -> f32 {
  if (c < m) { return f32(c); }
  return f32(i32(c) - i32(l));
}

@compute @workgroup_size(WG, 1, 1)
fn main(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>) {
  let e = gid.x + gid.y * nwg.x * WG;
  if (e >= p.size) { return; }
  let lo3 = vec3<f32>(bmin[0], bmin[1], select(0.0, bmin[2], DIMS == 3u));
  let hi3 = vec3<f32>(bmax[0], bmax[1], select(0.0, bmax[2], DIMS == 3u));
  let h = gridSpacing(lo3, hi3, p.m);
  let m = p.m;
  let l = 2u * m;
  let cx = e % l;
  let cy = (e / l) % l;
  let cz = select(0u, e / (l * l), DIMS == 3u);
  var rho = 0.0;
  if (cx < m && cy < m && cz < m) {
    let node = cx + m * (cy + m * cz);
    rho = f32(atomicExchange(&density[node], 0)) / p.scale;
  }
  dens[e] = vec2<f32>(rho, 0.0);
  // The offset ±M cannot occur between two nodes of the block; zero it.
  if (cx == m || cy == m || cz == m) {
    kerA[e] = vec2<f32>(0.0);
    kerB[e] = vec2<f32>(0.0);
    return;
  }
  let r = h * vec3<f32>(offset(cx, l, m), offset(cy, l, m), select(0.0, offset(cz, l, m), DIMS == 3u));
  let k = 1.0 / (1.0 + dot(r, r));
  let k2 = k * k;
  kerA[e] = vec2<f32>(k, k2 * r.x);
  kerB[e] = vec2<f32>(k2 * r.y, k2 * r.z);
}
