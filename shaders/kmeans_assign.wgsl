// k-means assignment step: each invocation takes one row of x and finds its nearest centroid among
// centroids [c0, c0 + count) by ‖c‖² − 2·x·c, then writes the squared distance ‖x‖² + ‖c‖² − 2·x·c.
//
// Why one fused kernel rather than matmul + argminRows: the matmul kernels put their SIMD lanes
// along the columns of the product, and with k ≈ 10 columns most lanes of a CPU adapter sit idle
// (and the [N, k] product makes a round trip through memory). Here lanes run along rows: every lane
// of a workgroup reads the same centroid element (a broadcast), and each x element is gathered once
// and used for KT centroids held in registers.
//
// The host splits the centroids into passes of `count` so that d·count stays inside LOOP_BUDGET;
// passes after the first (merge = 1) start from the best score earlier passes left in `mind`.
// Intermediate passes store the raw score + ‖x‖²; the last pass clamps the distance at zero.
// Ties go to the lower centroid index.
struct Params { rows: u32, d: u32, k: u32, c0: u32, count: u32, merge: u32, last: u32, row0: u32 }

const MAX_KT: u32 = 16u;
override WG: u32 = 64u;
/** Centroids per register tile (≤ MAX_KT). */
override KT: u32 = 8u;

@group(0) @binding(0) var<uniform> p: Params;
@group(0) @binding(1) var<storage, read> x: array<f32>;
@group(0) @binding(2) var<storage, read> cent: array<f32>;
@group(0) @binding(3) var<storage, read> cnorm: array<f32>;
@group(0) @binding(4) var<storage, read> xnorm: array<f32>;
@group(0) @binding(5) var<storage, read_write> labels: array<u32>;
@group(0) @binding(6) var<storage, read_write> mind: array<f32>;

@compute @workgroup_size(WG, 1, 1)
fn main(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>) {
  let r = gid.x + gid.y * nwg.x * WG;
  if (r >= p.rows) { return; }
  let g = p.row0 + r;
  let xn = xnorm[g];
  var best = 0x1.fffffep+127f;
  var bestc = 0u;
  if (p.merge != 0u) {
    best = mind[g] - xn;
    bestc = labels[g];
  }
  let xbase = r * p.d;
  for (var t = 0u; t < p.count; t += KT) {
    var acc: array<f32, MAX_KT>;
    for (var q = 0u; q < KT; q++) { acc[q] = 0.0; }
    let cb = p.c0 + t;
    for (var j = 0u; j < p.d; j++) {
      let xv = x[xbase + j];
      for (var q = 0u; q < KT; q++) {
        let c = min(cb + q, p.k - 1u);
        acc[q] = fma(xv, cent[c * p.d + j], acc[q]);
      }
    }
    for (var q = 0u; q < KT; q++) {
      if (t + q < p.count) {
        let s = cnorm[cb + q] - 2.0 * acc[q];
        if (s < best) { best = s; bestc = cb + q; }
      }
    }
  }
  labels[g] = bestc;
  let dist = xn + best;
  mind[g] = select(dist, max(dist, 0.0), p.last != 0u);
}
