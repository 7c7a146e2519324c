// Merges candidate neighbours into each row's running k-nearest list (approximate kNN:
// random-projection-forest leaf mates, then NN-descent's neighbours of neighbours).
//
// Row r (global point row0 + r) evaluates candidates cand[r·stride + col0 ..+ count): its squared
// Euclidean distance to each is computed directly from x, and a candidate nearer than the current
// k-th (and not already listed) replaces it in a max-heap keyed on (distance, index), as in
// knn_heap_merge.wgsl: at most log2(k) + 1 steps per candidate, plus a k-long duplicate scan and a
// d-long distance loop, which the host keeps within LOOP_BUDGET per dispatch.
// x may span two bindings (rows [0, split) in xa, the rest in xb) so that 1M × 50 f32 fits.
// Lists stay in heap order between dispatches; `finalize` heap-sorts them ascending.
struct Params {
  R: u32, stride: u32, col0: u32, count: u32, d: u32, k: u32, row0: u32, split: u32,
  first: u32, finalize: u32, _p0: u32, _p1: u32,
}

// #include "lib/knn_heap.wgsl"
override WG: u32 = 64u;

@group(0) @binding(0) var<uniform> p: Params;
@group(0) @binding(1) var<storage, read> xa: array<f32>;
@group(0) @binding(2) var<storage, read> xb: array<f32>;
@group(0) @binding(3) var<storage, read> cand: array<u32>;
@group(0) @binding(4) var<storage, read_write> vals: array<f32>;
@group(0) @binding(5) var<storage, read_write> idx: array<u32>;

fn xv(row: u32, t: u32) -> f32 {
  if (row < p.split) { return xa[row * p.d + t]; }
  return xb[(row - p.split) * p.d + t];
}

fn sq_dist(a: u32, b: u32) -> f32 {
  var s = 0.0;
  for (var t = 0u; t < p.d; t++) {
    let diff = xv(a, t) - xv(b, t);
    s = fma(diff, diff, s);
  }
  return s;
}

@compute @workgroup_size(WG, 1, 1)
fn main(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>) {
  let r = gid.x + gid.y * nwg.x * WG;
  if (r >= p.R) { return; }
  let k = p.k;
  let base = r * k;
  let me = p.row0 + r;
  for (var j = 0u; j < k; j++) {
    if (p.first != 0u) { hv[j] = WORST; hi[j] = EMPTY; } else { hv[j] = vals[base + j]; hi[j] = idx[base + j]; }
  }
  for (var c = 0u; c < p.count; c++) {
    let g = cand[r * p.stride + p.col0 + c];
    if (g == EMPTY || g == me) { continue; }
    let v = sq_dist(me, g);
    if (!(v < hv[0] || (v == hv[0] && g < hi[0]))) { continue; }
    var listed = false;
    for (var j = 0u; j < k; j++) { if (hi[j] == g) { listed = true; break; } }
    if (!listed) { sift_down(v, g, k); }
  }
  if (p.finalize != 0u) {
    heap_sort_ascending(k);
  }
  for (var j = 0u; j < k; j++) {
    vals[base + j] = hv[j];
    idx[base + j] = hi[j];
  }
}
