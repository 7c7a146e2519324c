// Silhouette of each sampled point (Rousseeuw 1987): a = mean distance to the other members of its
// cluster, b = smallest mean distance to another cluster, s = (b − a) / max(a, b); 0 for a point
// alone in its cluster (as scikit-learn). Euclidean distances come from the Gram matrix G = S·Sᵀ
// of the sample: ‖s_i − s_j‖ = sqrt(max(0, n_i + n_j − 2·G_ij)). One invocation per sampled point,
// per-cluster sums in registers; the host keeps the sample inside LOOP_BUDGET and k ≤ MAX_K.
// G is symmetric, so point i reads column i (G[j·s + i]): adjacent lanes read adjacent addresses.
struct Params { s: u32, k: u32, _p0: u32, _p1: u32 }

const MAX_K: u32 = 128u;
override WG: u32 = 64u;

@group(0) @binding(0) var<uniform> p: Params;
@group(0) @binding(1) var<storage, read> gram: array<f32>;
@group(0) @binding(2) var<storage, read> norms: array<f32>;
@group(0) @binding(3) var<storage, read> labels: array<u32>;
@group(0) @binding(4) var<storage, read_write> out: array<f32>;

@compute @workgroup_size(WG, 1, 1)
fn main(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>) {
  let i = gid.x + gid.y * nwg.x * WG;
  if (i >= p.s) { return; }
  var sum: array<f32, MAX_K>;
  var cnt: array<f32, MAX_K>;
  for (var c = 0u; c < p.k; c++) { sum[c] = 0.0; cnt[c] = 0.0; }
  let ni = norms[i];
  for (var j = 0u; j < p.s; j++) {
    if (j == i) { continue; }
    let dist = sqrt(max(0.0, ni + norms[j] - 2.0 * gram[j * p.s + i]));
    let l = min(labels[j], MAX_K - 1u);
    sum[l] += dist;
    cnt[l] += 1.0;
  }
  let own = min(labels[i], MAX_K - 1u);
  if (cnt[own] == 0.0) { out[i] = 0.0; return; }
  let a = sum[own] / cnt[own];
  var b = 0x1.fffffep+127f;
  for (var c = 0u; c < p.k; c++) {
    if (c != own && cnt[c] > 0.0) { b = min(b, sum[c] / cnt[c]); }
  }
  if (b == 0x1.fffffep+127f) { out[i] = 0.0; return; }
  out[i] = (b - a) / max(max(a, b), 1e-30);
}
