// UMAP's local fuzzy simplicial sets (McInnes, Healy & Melville 2018, §3.1; umap-learn's
// `smooth_knn_dist` and `compute_membership_strengths`): for each point i, ρ_i is the distance to
// its `localConnectivity`-th nearest non-zero neighbour (interpolated), and σ_i is found by a
// binary search (64 steps at most) so that Σ_j exp(−max(0, d_ij − ρ_i)/σ_i) = log2(nNeighbors).
// Then the directed membership of each kNN edge is w_ij = exp(−max(0, d_ij − ρ_i)/σ_i).
// One invocation per row; its loops run at most (66 + 2)·k iterations.
// Input distances are the kNN graph's squared Euclidean ones: metric 0 takes their square root
// (Euclidean), metric 1 halves them (cosine distance 1 − cos of unit rows, where ‖a − b‖² = 2 − 2cos).
struct Params {
  n: u32, k: u32, metric: u32,
  // Columns from `skip` enter the sum (umap-learn skips the first, the point itself, also in transform).
  skip: u32,
  localConnectivity: f32, goal: f32,
  // Global mean distance (σ's floor for a row with ρ = 0) and the count a row's mean divides by.
  meanDistance: f32, meanCount: f32,
}

const STEPS: u32 = 64u;
const TOLERANCE: f32 = 1.0e-5;
const MIN_K_DIST_SCALE: f32 = 1.0e-3;

override WG: u32 = 64u;

@group(0) @binding(0) var<uniform> p: Params;
@group(0) @binding(1) var<storage, read> dist: array<f32>;
@group(0) @binding(2) var<storage, read_write> weight: array<f32>;
// ρ and σ of each row: [n, 2].
@group(0) @binding(3) var<storage, read_write> rhoSigma: array<f32>;

fn distanceAt(e: u32) -> f32 {
  let d = max(dist[e], 0.0);
  return select(sqrt(d), 0.5 * d, p.metric == 1u);
}

@compute @workgroup_size(WG, 1, 1)
fn main(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>) {
  let i = gid.x + gid.y * nwg.x * WG;
  if (i >= p.n) { return; }
  let base = i * p.k;
  // ρ: the index-th non-zero distance, plus the interpolated part towards the next one.
  let index = u32(floor(p.localConnectivity));
  let interpolation = p.localConnectivity - f32(index);
  var nonZero = 0u;
  var rho = 0.0;
  var previous = 0.0;
  var largest = 0.0;
  var done = false;
  var rowSum = 0.0;
  for (var j = 0u; j < p.k; j++) {
    let d = distanceAt(base + j);
    rowSum += d;
    if (d <= 0.0 || done) { continue; }
    nonZero++;
    largest = d;
    if (index == 0u) { rho = interpolation * d; done = true; continue; }
    if (nonZero == index) {
      rho = d;
      previous = d;
      if (interpolation <= TOLERANCE) { done = true; }
    } else if (nonZero == index + 1u) {
      rho = previous + interpolation * (d - previous);
      done = true;
    }
  }
  // Fewer non-zero distances than the connectivity asks for: ρ is the largest of them.
  if (f32(nonZero) < p.localConnectivity) { rho = largest; }
  var lo = 0.0;
  var hi = 3.0e38;
  var mid = 1.0;
  for (var step = 0u; step < STEPS; step++) {
    var psum = 0.0;
    for (var j = p.skip; j < p.k; j++) {
      let d = distanceAt(base + j) - rho;
      psum += select(1.0, exp(-d / mid), d > 0.0);
    }
    if (abs(psum - p.goal) < TOLERANCE) { break; }
    if (psum > p.goal) {
      hi = mid;
      mid = 0.5 * (lo + hi);
    } else {
      lo = mid;
      mid = select(0.5 * (lo + hi), mid * 2.0, hi >= 3.0e38);
    }
  }
  var sigma = mid;
  let floorScale = select(p.meanDistance, rowSum / p.meanCount, rho > 0.0);
  sigma = max(sigma, MIN_K_DIST_SCALE * floorScale);
  for (var j = 0u; j < p.k; j++) {
    let d = distanceAt(base + j) - rho;
    weight[base + j] = select(exp(-d / sigma), 1.0, d <= 0.0 || sigma == 0.0);
  }
  rhoSigma[2u * i] = rho;
  rhoSigma[2u * i + 1u] = sigma;
}
