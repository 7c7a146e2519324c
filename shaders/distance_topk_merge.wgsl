// Merges the S sorted lists of k (distance, index) pairs that the split reference ranges of
// distance_topk_tiled left for each query row (parts[(s·m + row)·k + j]) into that row's k best,
// ascending, ties by the lower index. Each list is sorted, so its scan stops at the first entry
// that loses against the heap's root: about S + k·log k steps per row rather than S·k·log k.
struct Params { m: u32, k: u32, S: u32, _p0: u32 }

// #include "lib/knn_heap.wgsl"
override WG: u32 = 64u;

@group(0) @binding(0) var<uniform> p: Params;
@group(0) @binding(1) var<storage, read> part_vals: array<f32>;
@group(0) @binding(2) var<storage, read> part_idx: array<u32>;
@group(0) @binding(3) var<storage, read_write> vals: array<f32>;
@group(0) @binding(4) var<storage, read_write> idx: array<u32>;

@compute @workgroup_size(WG, 1, 1)
fn main(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>) {
  let r = gid.x + gid.y * nwg.x * WG;
  if (r >= p.m) { return; }
  let k = p.k;
  for (var j = 0u; j < k; j++) { hv[j] = WORST; hi[j] = EMPTY; }
  for (var s = 0u; s < p.S; s++) {
    let base = (s * p.m + r) * k;
    for (var j = 0u; j < k; j++) {
      let v = part_vals[base + j];
      let g = part_idx[base + j];
      if (g == EMPTY || !(v < hv[0] || (v == hv[0] && g < hi[0]))) { break; }
      sift_down(v, g, k);
    }
  }
  heap_sort_ascending(k);
  for (var j = 0u; j < k; j++) {
    vals[r * k + j] = hv[j];
    idx[r * k + j] = hi[j];
  }
}
