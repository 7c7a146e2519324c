// Field repulsion, step 6: interpolates the fields at each (row) point with the same quadratic
// stencil used to spread: z_i = Σ_j K_ij (the point's own unit charge, ≈1, removed with
// `selfTerm`), rep_i = Σ_j K_ij²·(y_i − y_j). The fields hold ρ∗K in kerA.x, ρ∗(K²·r_x) in kerA.y,
// ρ∗(K²·r_y) in kerB.x and ρ∗(K²·r_z) in kerB.y, unnormalised by the inverse FFT (× 1/L^DIMS here).
// The grid comes from the bounds of the spread points; row points outside it are clamped to
// its edge nodes (only `transform` can have such points).
// #include "lib/tsne_grid.wgsl"
struct Params { n: u32, m: u32, invSize: f32, selfTerm: f32 }

override WG: u32 = 64u;
override DIMS: u32 = 2u;

@group(0) @binding(0) var<uniform> p: Params;
@group(0) @binding(1) var<storage, read> y: array<f32>;
@group(0) @binding(2) var<storage, read> bmin: array<f32>;
@group(0) @binding(3) var<storage, read> bmax: array<f32>;
@group(0) @binding(4) var<storage, read> kerA: array<vec2<f32>>;
@group(0) @binding(5) var<storage, read> kerB: array<vec2<f32>>;
@group(0) @binding(6) var<storage, read_write> rep: array<f32>;
@group(0) @binding(7) var<storage, read_write> z: array<f32>;

@compute @workgroup_size(WG, 1, 1)
fn main(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>) {
  let i = gid.x + gid.y * nwg.x * WG;
  if (i >= p.n) { return; }
  let lo3 = vec3<f32>(bmin[0], bmin[1], select(0.0, bmin[2], DIMS == 3u));
  let hi3 = vec3<f32>(bmax[0], bmax[1], select(0.0, bmax[2], DIMS == 3u));
  let h = gridSpacing(lo3, hi3, p.m);
  let origin = gridOrigin(lo3, hi3, h, p.m);
  let b = i * DIMS;
  let yi = vec3<f32>(y[b], y[b + 1u], select(0.0, y[b + 2u], DIMS == 3u));
  let s = stencil(yi, origin, h, p.m);
  let l = i32(2u * p.m);
  let zCount = select(1u, 3u, DIMS == 3u);
  var fa = vec2<f32>(0.0);
  var fb = vec2<f32>(0.0);
  for (var c = 0u; c < zCount; c++) {
    let wz = select(1.0, stencilWeight(s, c).z, DIMS == 3u);
    let nz = select(0, s.node.z + i32(c) - 1, DIMS == 3u);
    for (var bb = 0u; bb < 3u; bb++) {
      let wy = stencilWeight(s, bb).y * wz;
      let ny = s.node.y + i32(bb) - 1;
      for (var a = 0u; a < 3u; a++) {
        let w = stencilWeight(s, a).x * wy;
        let e = u32(s.node.x + i32(a) - 1 + l * (ny + l * nz));
        fa += w * kerA[e];
        fb += w * kerB[e];
      }
    }
  }
  fa *= p.invSize;
  fb *= p.invSize;
  z[i] = fa.x - p.selfTerm;
  rep[b] = fa.y;
  rep[b + 1u] = fb.x;
  if (DIMS == 3u) { rep[b + 2u] = fb.y; }
}
