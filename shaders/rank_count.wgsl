// Exact ranks of given neighbours in each query row's distance ordering, for trustworthiness.
//
// A tile holds ‖b‖² − 2a·b for query rows [0, R) and data columns [col_offset, col_offset + C)
// (the same matmul tile as the kNN search; the row's ‖a‖² does not change the order).
// GATHER (first pass over all column chunks): thr[r][t] = the tile value of neighbour nb[r][t],
// so that thresholds and counted values come from the very same f32 arithmetic.
// COUNT (second pass): cnt[r][t] += how many columns g (other than the query point itself) are
// strictly nearer than nb[r][t], ties broken by the lower index: the neighbour's rank minus one.
// One invocation per row; the host keeps C·(k + 1) inside LOOP_BUDGET.
struct Params { R: u32, C: u32, ld: u32, k: u32, col_offset: u32, _p0: u32, _p1: u32, _p2: u32 }

const MAX_K: u32 = 128u;
override WG: u32 = 64u;
override GATHER: bool = false;

@group(0) @binding(0) var<uniform> p: Params;
@group(0) @binding(1) var<storage, read> tile: array<f32>;
@group(0) @binding(2) var<storage, read> nb: array<u32>;
@group(0) @binding(3) var<storage, read> self_idx: array<u32>;
@group(0) @binding(4) var<storage, read_write> thr: array<f32>;
@group(0) @binding(5) var<storage, read_write> cnt: array<u32>;

@compute @workgroup_size(WG, 1, 1)
fn main(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>) {
  let r = gid.x + gid.y * nwg.x * WG;
  if (r >= p.R) { return; }
  let base = r * p.k;
  let row = r * p.ld;
  if (GATHER) {
    for (var t = 0u; t < p.k; t++) {
      let j = nb[base + t];
      if (j >= p.col_offset && j < p.col_offset + p.C) { thr[base + t] = tile[row + j - p.col_offset]; }
    }
    return;
  }
  var tv: array<f32, MAX_K>;
  var ti: array<u32, MAX_K>;
  var tc: array<u32, MAX_K>;
  for (var t = 0u; t < p.k; t++) { tv[t] = thr[base + t]; ti[t] = nb[base + t]; tc[t] = 0u; }
  let me = self_idx[r];
  for (var c = 0u; c < p.C; c++) {
    let g = p.col_offset + c;
    if (g == me) { continue; }
    let v = tile[row + c];
    for (var t = 0u; t < p.k; t++) {
      tc[t] += select(0u, 1u, v < tv[t] || (v == tv[t] && g < ti[t]));
    }
  }
  for (var t = 0u; t < p.k; t++) { cnt[base + t] += tc[t]; }
}
