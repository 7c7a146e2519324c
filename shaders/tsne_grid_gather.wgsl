// Field repulsion, step 6: interpolates the fields at each (row) point with the same cubic
// stencil used to spread: z_i = Σ_j K_ij (the point's own unit charge, ≈1, removed with
// `selfTerm`), rep_i = Σ_j K_ij²·(y_i − y_j). The fields hold ρ∗K in fieldA.x, ρ∗(K²·r_x) in fieldA.y,
// ρ∗(K²·r_y) in fieldB.x and ρ∗(K²·r_z) in fieldB.y, unnormalised by the inverse FFT (× 1/L^DIMS
// here). Row points outside the grid are clamped to its border nodes.
// #include "lib/tsne_grid.wgsl"
struct Params { n: u32, m: u32, invSize: f32, selfTerm: f32 }

override WG: u32 = 64u;
override DIMS: u32 = 2u;

@group(0) @binding(0) var<uniform> p: Params;
@group(0) @binding(1) var<storage, read> y: array<f32>;
// origin.xyz, spacing
@group(0) @binding(2) var<storage, read> grid: array<f32>;
@group(0) @binding(3) var<storage, read> fieldA: array<vec2<f32>>;
@group(0) @binding(4) var<storage, read> fieldB: array<vec2<f32>>;
@group(0) @binding(5) var<storage, read_write> rep: array<f32>;
@group(0) @binding(6) var<storage, read_write> z: array<f32>;

@compute @workgroup_size(WG, 1, 1)
fn main(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>) {
  let i = gid.x + gid.y * nwg.x * WG;
  if (i >= p.n) { return; }
  let origin = vec3<f32>(grid[0], grid[1], grid[2]);
  let h = grid[3];
  let b = i * DIMS;
  let yi = vec3<f32>(y[b], y[b + 1u], select(0.0, y[b + 2u], DIMS == 3u));
  let s = stencil(yi, origin, h, p.m);
  let l = i32(2u * p.m + 1u); // row pitch of the padded grid
  let zCount = select(1u, STENCIL, DIMS == 3u);
  var fa = vec2<f32>(0.0);
  var fb = vec2<f32>(0.0);
  for (var c = 0u; c < zCount; c++) {
    let wz = select(1.0, s.w[c].z, DIMS == 3u);
    let nz = select(0, s.node.z + i32(c), DIMS == 3u);
    for (var bb = 0u; bb < STENCIL; bb++) {
      let wy = s.w[bb].y * wz;
      let ny = s.node.y + i32(bb);
      for (var a = 0u; a < STENCIL; a++) {
        let w = s.w[a].x * wy;
        let e = u32(s.node.x + i32(a) + l * (ny + l * nz));
        fa += w * fieldA[e];
        fb += w * fieldB[e];
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
