// Squared distances of listed (row, centroid) pairs: out[q] = ‖x[rows[q]] − cent[cents[q]]‖², by
// differences. Elkan's k-means (Elkan 2003) needs only a few such pairs per row once its bounds
// are tight: the row's own centroid (to tighten the upper bound) and the centroids whose bounds
// fail. One invocation per pair; both loads are per-lane vec4s (x padded to d4, centroids [k, d4]),
// which on llvmpipe is cheaper than the broadcast-heavy full search of kmeans_assign for a few
// centroids. x may be one row chunk: pairs [list0, list0 + count) all have rows inside it.
struct Params { count: u32, d4: u32, row0: u32, list0: u32 }

override WG: u32 = 64u;

@group(0) @binding(0) var<uniform> p: Params;
@group(0) @binding(1) var<storage, read> x: array<vec4<f32>>;
@group(0) @binding(2) var<storage, read> cent: array<vec4<f32>>;
@group(0) @binding(3) var<storage, read> rows: array<u32>;
@group(0) @binding(4) var<storage, read> cents: array<u32>;
@group(0) @binding(5) var<storage, read_write> out: array<f32>;

@compute @workgroup_size(WG, 1, 1)
fn main(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>) {
  // No early return (see kmeans_assign): lanes past the end redo the last pair and do not write.
  let id = gid.x + gid.y * nwg.x * WG;
  let q = p.list0 + min(id, p.count - 1u);
  let w4 = p.d4 / 4u;
  let xb = (rows[q] - p.row0) * w4;
  let cb = cents[q] * w4;
  var acc = vec4<f32>(0.0);
  for (var j4 = 0u; j4 < w4; j4++) {
    let diff = x[xb + j4] - cent[cb + j4];
    acc = fma(diff, diff, acc);
  }
  if (id < p.count) { out[q] = acc.x + acc.y + acc.z + acc.w; }
}
