// Field repulsion, step 1: spreads every point's unit charge onto the 4^DIMS grid nodes around it.
// WGSL has no float atomics, so the density is accumulated in i32 fixed point: each weight w
// (cubic Lagrange, in [−0.07, 1]) adds round(w · scale). The host picks scale = 2^⌊log2(2^30 / n)⌋ (at most 2^20),
// so a node's total stays under 2^30 even if all n points land on it, while one weight is still
// resolved to 2^-20..2^-10 (1M points). Integer addition is associative, so the result does not
// depend on the order in which lanes add: the same seed gives the same embedding on one adapter.
// An atomic-free gather would need the points binned by cell (a sort per iteration) instead.
// #include "lib/tsne_grid.wgsl"
struct Params { n: u32, m: u32, scale: f32 }

override WG: u32 = 64u;
override DIMS: u32 = 2u;

@group(0) @binding(0) var<uniform> p: Params;
@group(0) @binding(1) var<storage, read> y: array<f32>;
// origin.xyz, spacing
@group(0) @binding(2) var<storage, read> grid: array<f32>;
@group(0) @binding(3) var<storage, read_write> density: array<atomic<i32>>;

@compute @workgroup_size(WG, 1, 1)
fn main(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>) {
  let i = gid.x + gid.y * nwg.x * WG;
  if (i >= p.n) { return; }
  let origin = vec3<f32>(grid[0], grid[1], grid[2]);
  let h = grid[3];
  let b = i * DIMS;
  let yi = vec3<f32>(y[b], y[b + 1u], select(0.0, y[b + 2u], DIMS == 3u));
  let s = stencil(yi, origin, h, p.m);
  let m = i32(p.m);
  let zCount = select(1u, STENCIL, DIMS == 3u);
  for (var c = 0u; c < zCount; c++) {
    let wz = select(1.0, s.w[c].z, DIMS == 3u);
    let nz = select(0, s.node.z + i32(c), DIMS == 3u);
    for (var bb = 0u; bb < STENCIL; bb++) {
      let wy = s.w[bb].y * wz;
      let ny = s.node.y + i32(bb);
      for (var a = 0u; a < STENCIL; a++) {
        let w = s.w[a].x * wy;
        let nx = s.node.x + i32(a);
        atomicAdd(&density[u32(nx + m * (ny + m * nz))], i32(round(w * p.scale)));
      }
    }
  }
}
