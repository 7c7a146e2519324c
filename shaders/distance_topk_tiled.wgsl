// Exact k nearest reference rows of each query row, GPU shape: squared Euclidean distances by
// workgroup-memory tiles of both blocks, then a top-k merge from the tile in workgroup memory, so
// that no [m, n] matrix is ever stored.
//
// A workgroup of 8×8 invocations owns 32 query rows and walks the reference rows [c0, c1) in tiles
// of 32. For each tile, the d axis is read in chunks of TD dims: the 64 invocations load the
// 32×TD query block and the 32×TD reference block from row-major memory with adjacent lanes on
// adjacent dims (coalesced), store them transposed in workgroup memory, and each invocation
// accumulates a 4×4 register block of (q − r)² as vec4s (direct differences: a duplicate row is at
// exactly 0, with no cancellation of ‖q‖² + ‖r‖² − 2q·r). The 32×32 distance tile then goes to
// workgroup memory, and invocation t < 32 merges row t's 32 candidates into that row's max-heap
// of the k best (lib/knn_heap.wgsl): most candidates lose against the heap's root and cost one test.
//
// Between dispatches (the host splits [0, n) where an adapter limits loop iterations) the heaps
// stay in vals/idx in heap order; `finalize` heap-sorts them ascending. Ties go to the lower index;
// the query's own reference row (self_offset + row, global numbering) is skipped.
//
// Split reference range (few query rows for a large GPU): workgroup z walks the reference rows
// [c0, c1) + z·split_len (clipped to n) and keeps its own lists at vals[(z·m + row)·k], sorted;
// distance_topk_merge then merges the z lists of each row. split_len = 0: one range, one list.
struct Params {
  m: u32, d: u32, k: u32, c0: u32, c1: u32, col_offset: u32, self_offset: u32, first: u32,
  finalize: u32, n: u32, split_len: u32, _p0: u32,
}

// #include "lib/knn_heap.wgsl"

/** Dims per chunk of the d loop. */
override TD: u32 = 16u;
const TILE: u32 = 32u;
const WG: u32 = 64u;
const LD: u32 = 33u;

@group(0) @binding(0) var<uniform> p: Params;
@group(0) @binding(1) var<storage, read> q: array<f32>;
@group(0) @binding(2) var<storage, read> r: array<f32>;
@group(0) @binding(3) var<storage, read_write> vals: array<f32>;
@group(0) @binding(4) var<storage, read_write> idx: array<u32>;

// [dim][row / 4] as vec4s: a vec4 holds one dim of four consecutive rows.
var<workgroup> qs: array<vec4<f32>, 256>;
var<workgroup> rs: array<vec4<f32>, 256>;
var<workgroup> dt: array<f32, 1056>;

@compute @workgroup_size(8, 8, 1)
fn main(@builtin(local_invocation_index) t: u32, @builtin(workgroup_id) wid: vec3<u32>,
        @builtin(num_workgroups) nwg: vec3<u32>) {
  let q0 = (wid.x + wid.y * nwg.x) * TILE;
  let tx = t % 8u;
  let ty = t / 8u;
  let row = q0 + t;
  let own = t < TILE && row < p.m;
  let k = p.k;
  let list = (wid.z * p.m + row) * k;
  if (own) {
    for (var j = 0u; j < k; j++) {
      if (p.first != 0u) { hv[j] = WORST; hi[j] = EMPTY; } else { hv[j] = vals[list + j]; hi[j] = idx[list + j]; }
    }
  }
  let self_col = select(EMPTY, p.self_offset + row, p.self_offset != EMPTY);
  let per = TILE * TD / WG;
  let c_lo = p.c0 + wid.z * p.split_len;
  let c_hi = min(p.c1 + wid.z * p.split_len, p.n);
  for (var c0 = c_lo; c0 < c_hi; c0 += TILE) {
    var a0 = vec4<f32>(0.0);
    var a1 = vec4<f32>(0.0);
    var a2 = vec4<f32>(0.0);
    var a3 = vec4<f32>(0.0);
    for (var d0 = 0u; d0 < p.d; d0 += TD) {
      for (var e = 0u; e < per; e++) {
        let f = t + WG * e;
        let rr = f / TD;
        let dd = f % TD;
        let dim = d0 + dd;
        var qv = 0.0;
        var rv = 0.0;
        if (dim < p.d) {
          if (q0 + rr < p.m) { qv = q[(q0 + rr) * p.d + dim]; }
          if (c0 + rr < c_hi) { rv = r[(c0 + rr) * p.d + dim]; }
        }
        qs[dd * 8u + rr / 4u][rr % 4u] = qv;
        rs[dd * 8u + rr / 4u][rr % 4u] = rv;
      }
      workgroupBarrier();
      for (var dd = 0u; dd < TD; dd++) {
        let a = qs[dd * 8u + ty];
        let b = rs[dd * 8u + tx];
        let e0 = a.x - b;
        let e1 = a.y - b;
        let e2 = a.z - b;
        let e3 = a.w - b;
        a0 += e0 * e0;
        a1 += e1 * e1;
        a2 += e2 * e2;
        a3 += e3 * e3;
      }
      workgroupBarrier();
    }
    let o = ty * 4u * LD + tx * 4u;
    dt[o] = a0.x; dt[o + 1u] = a0.y; dt[o + 2u] = a0.z; dt[o + 3u] = a0.w;
    dt[o + LD] = a1.x; dt[o + LD + 1u] = a1.y; dt[o + LD + 2u] = a1.z; dt[o + LD + 3u] = a1.w;
    dt[o + 2u * LD] = a2.x; dt[o + 2u * LD + 1u] = a2.y; dt[o + 2u * LD + 2u] = a2.z; dt[o + 2u * LD + 3u] = a2.w;
    dt[o + 3u * LD] = a3.x; dt[o + 3u * LD + 1u] = a3.y; dt[o + 3u * LD + 2u] = a3.z; dt[o + 3u * LD + 3u] = a3.w;
    workgroupBarrier();
    if (own) {
      let cols = min(TILE, c_hi - c0);
      for (var j = 0u; j < cols; j++) {
        let v = dt[t * LD + j];
        let g = p.col_offset + c0 + j;
        // NaN compares false and is never taken.
        if (g != self_col && (v < hv[0] || (v == hv[0] && g < hi[0]))) { sift_down(v, g, k); }
      }
    }
    workgroupBarrier();
  }
  if (!own) { return; }
  if (p.finalize != 0u) { heap_sort_ascending(k); }
  for (var j = 0u; j < k; j++) {
    vals[list + j] = hv[j];
    idx[list + j] = hi[j];
  }
}
