// k-means assignment step: each invocation takes two rows of x and finds their nearest centroids
// among centroids [c0, c0 + count) by ‖c‖² − 2·x·c, then writes the squared distances ‖x‖² + ‖c‖² − 2·x·c.
//
// Why one fused kernel rather than matmul + argminRows: the matmul kernels put their SIMD lanes
// along the columns of the product, and with k ≈ 10 columns most lanes of a CPU adapter sit idle
// (measured on llvmpipe: 70,000×784 by 784×12 ran at ~1 GFLOP/s), and the [n, k] product makes
// a round trip through memory. Here lanes run along rows. On llvmpipe a per-lane load costs about
// one scalar load per lane while a load at the same address for the whole workgroup is one load:
// so x rows (padded to d4, a multiple of 4) are read as vec4s, four columns per per-lane load, and
// centroids come transposed and padded (cent_t [d4, kp], from kmeans_prepare), so the j-th values
// of four centroids are one broadcast vec4. Each x vec4 is used for up to 16 centroids, held in
// named vec4 registers, and each centroid vec4 for two rows (measured on llvmpipe: ~1.7× faster
// than one row per invocation; the loads, not the FMAs, bound this kernel).
//
// The host splits the centroids into passes of `count` (a multiple of 4) so that d4·count/16 stays
// inside LOOP_BUDGET; passes after the first (merge = 1) start from the best score earlier passes
// left in `mind`. Intermediate passes store score + ‖x‖²; the last clamps the distance at zero.
// Ties go to the lower centroid index. For the bounds of Elkan's and Hamerly's algorithms `extra`
// gets either the squared distance to every centroid (all_d = 1: extra[slot·k + c]) or to the
// second nearest (all_d = 0: extra[slot]).
//
// indexed = 0: rows r of this chunk, results at row0 + r. indexed = 1: only the rows listed in
// idx[list0 .. list0 + rows) (global row numbers inside this chunk), results at list0 + r.
struct Params { rows: u32, d4: u32, k: u32, kp4: u32, c0: u32, count: u32, merge: u32, last: u32, row0: u32, indexed: u32, list0: u32, all_d: u32 }

override WG: u32 = 64u;
/** vec4 accumulators per tile (1..4): up to 16 centroids per pass over the row. */
override CT4: u32 = 4u;

@group(0) @binding(0) var<uniform> p: Params;
@group(0) @binding(1) var<storage, read> x: array<vec4<f32>>;
@group(0) @binding(2) var<storage, read> cent_t: array<vec4<f32>>;
@group(0) @binding(3) var<storage, read> cnorm: array<f32>;
@group(0) @binding(4) var<storage, read> xnorm: array<f32>;
@group(0) @binding(5) var<storage, read_write> labels: array<u32>;
@group(0) @binding(6) var<storage, read_write> mind: array<f32>;
@group(0) @binding(7) var<storage, read> idx: array<u32>;
@group(0) @binding(8) var<storage, read_write> extra: array<f32>;

var<private> best: array<f32, 2>;
var<private> bestc: array<u32, 2>;
var<private> next: array<f32, 2>;
var<private> xns: array<f32, 2>;
var<private> slots: array<u32, 2>;
var<private> valid: array<bool, 2>;

fn consider(acc: vec4<f32>, c: u32, h: u32) {
  for (var q = 0u; q < 4u; q++) {
    let cq = c + q;
    if (cq < p.k) {
      let s = cnorm[cq] - 2.0 * acc[q];
      if (p.all_d != 0u && valid[h]) { extra[slots[h] * p.k + cq] = max(xns[h] + s, 0.0); }
      if (s < best[h]) { next[h] = best[h]; best[h] = s; bestc[h] = cq; }
      else if (s < next[h]) { next[h] = s; }
    }
  }
}

/** Where row r of this dispatch keeps its results. */
fn slot(r: u32) -> u32 {
  return select(p.row0 + r, p.list0 + r, p.indexed != 0u);
}

/** Row of this chunk that r stands for. */
fn chunk_row(r: u32) -> u32 {
  return select(r, idx[p.list0 + r] - p.row0, p.indexed != 0u);
}

fn finish(r_id: u32, row: u32, h: u32) {
  if (r_id < p.rows) {
    let o = slot(r_id);
    let xn = xnorm[p.row0 + row];
    labels[o] = bestc[h];
    let dist = xn + best[h];
    let dist2 = xn + next[h];
    mind[o] = select(dist, max(dist, 0.0), p.last != 0u);
    if (p.all_d == 0u) { extra[o] = select(dist2, max(dist2, 0.0), p.last != 0u); }
  }
}

@compute @workgroup_size(WG, 1, 1)
fn main(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>) {
  // Each invocation takes rows 2·id and 2·id + 1, so that every broadcast centroid vec4 serves
  // two rows (loads, not FMAs, bound this kernel on llvmpipe). No early return for lanes past the
  // end: llvmpipe turns every load after a divergent return into a per-lane load, broadcasts
  // included. Those lanes redo the last row and do not write.
  let id = gid.x + gid.y * nwg.x * WG;
  let q0 = min(2u * id, p.rows - 1u);
  let q1 = min(2u * id + 1u, p.rows - 1u);
  let r0 = chunk_row(q0);
  let r1 = chunk_row(q1);
  best[0] = 0x1.fffffep+127f;
  best[1] = 0x1.fffffep+127f;
  next[0] = 0x1.fffffep+127f;
  next[1] = 0x1.fffffep+127f;
  bestc[0] = 0u;
  bestc[1] = 0u;
  xns[0] = xnorm[p.row0 + r0];
  xns[1] = xnorm[p.row0 + r1];
  slots[0] = slot(q0);
  slots[1] = slot(q1);
  valid[0] = 2u * id < p.rows;
  valid[1] = 2u * id + 1u < p.rows;
  if (p.merge != 0u) {
    best[0] = mind[slots[0]] - xns[0];
    bestc[0] = labels[slots[0]];
    best[1] = mind[slots[1]] - xns[1];
    bestc[1] = labels[slots[1]];
    if (p.all_d == 0u) {
      next[0] = extra[slots[0]] - xns[0];
      next[1] = extra[slots[1]] - xns[1];
    }
  }
  let w4 = p.d4 / 4u;
  for (var t = 0u; t < p.count; t += 4u * CT4) {
    let cb4 = (p.c0 + t) / 4u;
    var a0 = vec4<f32>(0.0);
    var a1 = vec4<f32>(0.0);
    var a2 = vec4<f32>(0.0);
    var a3 = vec4<f32>(0.0);
    var b0 = vec4<f32>(0.0);
    var b1 = vec4<f32>(0.0);
    var b2 = vec4<f32>(0.0);
    var b3 = vec4<f32>(0.0);
    for (var j4 = 0u; j4 < w4; j4++) {
      let xq = x[r0 * w4 + j4];
      let yq = x[r1 * w4 + j4];
      for (var e = 0u; e < 4u; e++) {
        let xv = vec4<f32>(xq[e]);
        let yv = vec4<f32>(yq[e]);
        // A partial last tile reads past its centroids (the next row, clamped at the end by the
        // robustness checks); those lanes of the accumulators are never considered.
        let row = (j4 * 4u + e) * p.kp4 + cb4;
        let c0 = cent_t[row];
        a0 = fma(xv, c0, a0);
        b0 = fma(yv, c0, b0);
        if (CT4 > 1u) { let c1 = cent_t[row + 1u]; a1 = fma(xv, c1, a1); b1 = fma(yv, c1, b1); }
        if (CT4 > 2u) { let c2 = cent_t[row + 2u]; a2 = fma(xv, c2, a2); b2 = fma(yv, c2, b2); }
        if (CT4 > 3u) { let c3 = cent_t[row + 3u]; a3 = fma(xv, c3, a3); b3 = fma(yv, c3, b3); }
      }
    }
    let cb = cb4 * 4u;
    let end = p.c0 + p.count;
    consider(a0, cb, 0u);
    consider(b0, cb, 1u);
    if (CT4 > 1u && cb + 4u < end) { consider(a1, cb + 4u, 0u); consider(b1, cb + 4u, 1u); }
    if (CT4 > 2u && cb + 8u < end) { consider(a2, cb + 8u, 0u); consider(b2, cb + 8u, 1u); }
    if (CT4 > 3u && cb + 12u < end) { consider(a3, cb + 12u, 0u); consider(b3, cb + 12u, 1u); }
  }
  finish(2u * id, r0, 0u);
  finish(2u * id + 1u, r1, 1u);
}
