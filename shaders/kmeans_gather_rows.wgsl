// Copies rows idx[r] of x into out[r] (mini-batch k-means batches, silhouette samples). x may be
// one row chunk [row0, row0 + rows) of a larger matrix: indices outside it are left for the
// dispatch that binds their chunk. One invocation per output element.
struct Params { count: u32, d: u32, row0: u32, rows: u32 }

override WG: u32 = 64u;

@group(0) @binding(0) var<uniform> p: Params;
@group(0) @binding(1) var<storage, read> idx: array<u32>;
@group(0) @binding(2) var<storage, read> x: array<f32>;
@group(0) @binding(3) var<storage, read_write> out: array<f32>;

@compute @workgroup_size(WG, 1, 1)
fn main(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>) {
  let e = gid.x + gid.y * nwg.x * WG;
  if (e >= p.count * p.d) { return; }
  let r = e / p.d;
  let j = e % p.d;
  let i = idx[r];
  if (i < p.row0 || i >= p.row0 + p.rows) { return; }
  out[e] = x[(i - p.row0) * p.d + j];
}
