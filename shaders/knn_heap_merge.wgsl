// Merges one tile of candidate distances into each row's running k nearest neighbours.
//
// The tile holds, for rows [0, R) and candidate columns [col_offset, col_offset + C), the value
// ‖b‖² − 2a·b (the matmul kernel's output with alpha = −2 and the column norms as bias); the row's
// own ‖a‖² does not change the ranking and is added once, when the lists are finalised.
//
// Why a heap and not an insertion list: llvmpipe silently stops an invocation's loops after 65,535
// iterations in total. Insertion into a sorted list costs up to k shifts per candidate, so data
// that arrives in decreasing distance (points sorted along a line) would cost C·k iterations.
// A max-heap keyed on (distance, index) costs at most log2(k) + 1 per candidate, so the host can
// bound a dispatch by C·(log2 k + 2) + k·(log2 k + 3). Between dispatches the lists stay in heap
// order; `finalize` heap-sorts them ascending and adds ‖a‖² (clamped at 0 against rounding).
// Ties are broken by the lower index, so the result equals a sort by (distance, index).
//
// Transposed merge (a self search computing each pair of blocks once): the lists are the tile's
// columns and the candidates its rows, so candidate c of list r sits at r·ld + c·col_stride with
// ld = 1 and col_stride = the tile's row stride, and holds ‖a_r‖² − 2a_c·a_r; with cand_norms = 1
// the kernel adds ‖a_c‖² − ‖a_r‖² so that every list keeps the key ‖b‖² − 2a·b of the row merge.
struct Params {
  R: u32, C: u32, ld: u32, k: u32, col_offset: u32, self_offset: u32, first: u32, finalize: u32,
  col_stride: u32, cand_norms: u32, _p0: u32, _p1: u32,
}

// #include "lib/knn_heap.wgsl"
override WG: u32 = 64u;

@group(0) @binding(0) var<uniform> p: Params;
@group(0) @binding(1) var<storage, read> tile: array<f32>;
@group(0) @binding(2) var<storage, read> row_norms: array<f32>;
@group(0) @binding(3) var<storage, read_write> vals: array<f32>;
@group(0) @binding(4) var<storage, read_write> idx: array<u32>;
@group(0) @binding(5) var<storage, read> cnorm: array<f32>;

@compute @workgroup_size(WG, 1, 1)
fn main(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>) {
  let r = gid.x + gid.y * nwg.x * WG;
  if (r >= p.R) { return; }
  let k = p.k;
  let base = r * k;
  for (var j = 0u; j < k; j++) {
    if (p.first != 0u) { hv[j] = WORST; hi[j] = EMPTY; } else { hv[j] = vals[base + j]; hi[j] = idx[base + j]; }
  }
  let self_col = select(EMPTY, p.self_offset + r, p.self_offset != EMPTY);
  let row = r * p.ld;
  let rn = row_norms[r];
  for (var c = 0u; c < p.C; c++) {
    var v = tile[row + c * p.col_stride];
    if (p.cand_norms != 0u) { v = v - rn + cnorm[c]; }
    let g = p.col_offset + c;
    // NaN compares false and is never taken.
    if (g != self_col && (v < hv[0] || (v == hv[0] && g < hi[0]))) { sift_down(v, g, k); }
  }
  if (p.finalize != 0u) {
    heap_sort_ascending(k);
    for (var j = 0u; j < k; j++) {
      hv[j] = select(max(hv[j] + rn, 0.0), WORST, hi[j] == EMPTY);
    }
  }
  for (var j = 0u; j < k; j++) {
    vals[base + j] = hv[j];
    idx[base + j] = hi[j];
  }
}
