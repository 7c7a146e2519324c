// Perplexity calibration (van der Maaten & Hinton 2008, §2): for each point i, a binary search on
// the precision beta_i = 1/(2σ_i²) so that the conditional distribution over its k nearest
// neighbours, p_j|i ∝ exp(-beta_i·d_ij), has entropy log(perplexity) (natural log). One invocation
// per row; the loop runs STEPS × k ≤ 100 × 3·perplexity iterations, inside LOOP_BUDGET for k ≤ 300.
// Distances are squared Euclidean, ascending; they are shifted by the row's nearest distance so
// that exp never underflows for the nearest neighbour (the shift cancels in the normalisation).
struct Params { n: u32, k: u32, logPerplexity: f32, tolerance: f32 }

const STEPS: u32 = 100u;

override WG: u32 = 64u;

@group(0) @binding(0) var<uniform> p: Params;
@group(0) @binding(1) var<storage, read> dist: array<f32>;
@group(0) @binding(2) var<storage, read_write> pcond: array<f32>;
// beta per row, kept for diagnostics (the σ of each point).
@group(0) @binding(3) var<storage, read_write> betaOut: array<f32>;

@compute @workgroup_size(WG, 1, 1)
fn main(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>) {
  let i = gid.x + gid.y * nwg.x * WG;
  if (i >= p.n) { return; }
  let base = i * p.k;
  let d0 = dist[base];
  var beta = 1.0;
  var lo = 0.0;
  var hi = 3.0e38;
  for (var step = 0u; step < STEPS; step++) {
    var sumP = 0.0;
    var sumDP = 0.0;
    for (var j = 0u; j < p.k; j++) {
      let d = dist[base + j] - d0;
      let e = exp(-beta * d);
      sumP += e;
      sumDP += d * e;
    }
    // H = log(Σe) + beta·Σ(d·e)/Σe
    let entropy = log(sumP) + beta * sumDP / sumP;
    let diff = entropy - p.logPerplexity;
    if (abs(diff) <= p.tolerance) { break; }
    if (diff > 0.0) {
      lo = beta;
      beta = select(beta * 2.0, 0.5 * (beta + hi), hi < 3.0e38);
    } else {
      hi = beta;
      beta = 0.5 * (beta + lo);
    }
  }
  var total = 0.0;
  for (var j = 0u; j < p.k; j++) { total += exp(-beta * (dist[base + j] - d0)); }
  for (var j = 0u; j < p.k; j++) { pcond[base + j] = exp(-beta * (dist[base + j] - d0)) / total; }
  betaOut[i] = beta;
}
