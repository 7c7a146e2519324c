// Field repulsion, step 1: spreads every point's unit charge onto the 3^DIMS grid nodes around it.
// WGSL has no float atomics, so the density is accumulated in i32 fixed point: each weight w
// (in [−0.125, 1]) adds round(w · scale). The host picks scale = 2^⌊log2(2^30 / n)⌋ (at most 2^20),
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
@group(0) @binding(2) var<storage, read> bmin: array<f32>;
@group(0) @binding(3) var<storage, read> bmax: array<f32>;
@group(0) @binding(4) var<storage, read_write> density: array<atomic<i32>>;

fn bound(b: u32) -> vec3<f32> {
  if (b == 0u) { return vec3<f32>(bmin[0], bmin[1], select(0.0, bmin[2], DIMS == 3u)); }
  return vec3<f32>(bmax[0], bmax[1], select(0.0, bmax[2], DIMS == 3u));
}

@compute @workgroup_size(WG, 1, 1)
fn main(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>) {
  let i = gid.x + gid.y * nwg.x * WG;
  if (i >= p.n) { return; }
  let lo3 = bound(0u);
  let hi3 = bound(1u);
  let h = gridSpacing(lo3, hi3, p.m);
  let origin = gridOrigin(lo3, hi3, h, p.m);
  let b = i * DIMS;
  let yi = vec3<f32>(y[b], y[b + 1u], select(0.0, y[b + 2u], DIMS == 3u));
  let s = stencil(yi, origin, h, p.m);
  let m = i32(p.m);
  let zCount = select(1u, 3u, DIMS == 3u);
  for (var c = 0u; c < zCount; c++) {
    let wz = select(1.0, stencilWeight(s, c).z, DIMS == 3u);
    let nz = select(0, s.node.z + i32(c) - 1, DIMS == 3u);
    for (var bb = 0u; bb < 3u; bb++) {
      let wy = stencilWeight(s, bb).y * wz;
      let ny = s.node.y + i32(bb) - 1;
      for (var a = 0u; a < 3u; a++) {
        let w = stencilWeight(s, a).x * wy;
        let nx = s.node.x + i32(a) - 1;
        atomicAdd(&density[u32(nx + m * (ny + m * nz))], i32(round(w * p.scale)));
      }
    }
  }
}
