// Copies rows of x into out [count, d_out], zero-filling columns d..d_out (k-means pads rows to a
// multiple of 4 columns so that its kernels read vec4s). Row r of out is row idx[r] of x
// (direct = 0: mini-batches, silhouette samples) or row r itself (direct = 1: padding a copy).
// x may be one row chunk [row0, row0 + rows) of a larger matrix: rows outside it are left for the
// dispatch that binds their chunk. One invocation per output element.
struct Params { count: u32, d: u32, row0: u32, rows: u32, d_out: u32, direct: u32, _p0: u32, _p1: u32 }

override WG: u32 = 64u;

@group(0) @binding(0) var<uniform> p: Params;
@group(0) @binding(1) var<storage, read> idx: array<u32>;
@group(0) @binding(2) var<storage, read> x: array<f32>;
@group(0) @binding(3) var<storage, read_write> out: array<f32>;

@compute @workgroup_size(WG, 1, 1)
fn main(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>) {
  let e = gid.x + gid.y * nwg.x * WG;
  if (e >= p.count * p.d_out) { return; }
  let r = e / p.d_out;
  let j = e % p.d_out;
  let i = select(idx[r], r, p.direct != 0u);
  if (i < p.row0 || i >= p.row0 + p.rows) { return; }
  out[e] = select(0.0, x[(i - p.row0) * p.d + min(j, p.d - 1u)], j < p.d);
}
