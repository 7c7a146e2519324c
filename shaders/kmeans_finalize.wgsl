// k-means update step, second half: adds the row blocks' partial sums and counts (see
// kmeans_partial_sums, rows of d4 + 4 values with the count at d4) and writes the new centroids
// [k, d]. One invocation per (cluster c, column j); j = d writes the count. Lloyd (weights = 0): centroid = mean of its rows, or the previous
// centroid when the cluster is empty (the host then re-seeds it). Mini-batch (Sculley 2010):
// weights hold each centroid's count so far and the centroid moves to the running mean
// (w·c + Σx) / (w + n), i.e. a per-centre learning rate 1 / count.
// The host keeps `blocks` inside LOOP_BUDGET by sizing the row blocks.
struct Params { k: u32, d: u32, blocks: u32, d4: u32 }

override WG: u32 = 64u;

@group(0) @binding(0) var<uniform> p: Params;
@group(0) @binding(1) var<storage, read> partial: array<f32>;
@group(0) @binding(2) var<storage, read> prev: array<f32>;
@group(0) @binding(3) var<storage, read> weights: array<f32>;
@group(0) @binding(4) var<storage, read_write> cent: array<f32>;
@group(0) @binding(5) var<storage, read_write> counts: array<f32>;

@compute @workgroup_size(WG, 1, 1)
fn main(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>) {
  let idx = gid.x + gid.y * nwg.x * WG;
  let w1 = p.d + 1u;
  if (idx >= p.k * w1) { return; }
  let c = idx / w1;
  let j = idx % w1;
  var s = 0.0;
  var n = 0.0;
  for (var b = 0u; b < p.blocks; b++) {
    let base = (b * p.k + c) * (p.d4 + 4u);
    s += partial[base + min(j, p.d4)];
    n += partial[base + p.d4];
  }
  let w = weights[c];
  let total = w + n;
  if (j == p.d) {
    counts[c] = total;
    return;
  }
  let old = prev[c * p.d + j];
  cent[c * p.d + j] = select(old, (old * w + s) / total, total > 0.0);
}
