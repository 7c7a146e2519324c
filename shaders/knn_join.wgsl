// NN-descent's local join (Dong, Moses & Li 2011, as in PyNNDescent): for each group of points, the
// squared Euclidean distance of every pair (new, new) and (new, old), offered to both endpoints.
// A group is one vertex's sampled candidates (new first, then old) or one random-projection leaf
// (all new). Only a pair nearer than the current k-th distance of either endpoint (`thr`, read at
// the start of the batch) is written out, as (a, b, distance bits), through an atomic counter;
// the host merges those into the per-row lists and re-runs a batch whose output overflowed.
//
// Shape: one workgroup per group. The group's rows are gathered once into workgroup memory as
// vec4s, transposed (tile[t4·CMAX + i]); then each lane takes 8×8 blocks of pairs (points
// 8ib..8ib+7, new, against 8jb..8jb+7, jb ≥ ib), loading 16 vec4s per 64 pair-steps: on a CPU
// adapter every per-lane load is a scalar gather, so the block is what makes the FMAs pay.
// x comes as rows padded to ⌈d/4⌉ vec4s (zeros after d), over at most two bindings (rows
// [0, split) in xa, the rest in xb) so that 1M × 50 fits bindings of 128 MiB.
struct Params {
  groups: u32, stride: u32, d4: u32, split: u32, cap: u32, gx: u32, _p0: u32, _p1: u32,
}

override WG: u32 = 32u;
// Most points in one group, a multiple of 8; CMAX · ⌈d/4⌉ vec4s must fit the workgroup memory.
override CMAX: u32 = 128u;
override TILE4: u32 = 1664u;
// Groups one workgroup joins in turn.
override GPW: u32 = 4u;

@group(0) @binding(0) var<uniform> p: Params;
@group(0) @binding(1) var<storage, read> xa: array<vec4<f32>>;
@group(0) @binding(2) var<storage, read> xb: array<vec4<f32>>;
@group(0) @binding(3) var<storage, read> cand: array<u32>;
@group(0) @binding(4) var<storage, read> counts: array<u32>;
@group(0) @binding(5) var<storage, read> thr: array<f32>;
@group(0) @binding(6) var<storage, read_write> out: array<u32>;
@group(0) @binding(7) var<storage, read_write> counter: array<atomic<u32>>;

var<workgroup> tile: array<vec4<f32>, TILE4>;
var<workgroup> ids: array<u32, CMAX>;
var<workgroup> lim: array<f32, CMAX>;

fn sq(e: vec4<f32>) -> f32 { return dot(e, e); }

// Offers pair (i, j) when it is one to evaluate (i new, j after i, in the group) and nearer than
// either endpoint's threshold.
fn offer(i: u32, j: u32, cn: u32, c: u32, s: f32) {
  if (i >= cn || j >= c || j <= i) { return; }
  if (!(s < lim[i] || s < lim[j])) { return; }
  let slot = atomicAdd(&counter[0], 1u);
  if (slot < p.cap) {
    out[3u * slot] = ids[i];
    out[3u * slot + 1u] = ids[j];
    out[3u * slot + 2u] = bitcast<u32>(s);
  }
}

@compute @workgroup_size(WG, 1, 1)
fn main(@builtin(workgroup_id) wid: vec3<u32>, @builtin(local_invocation_index) lid: u32) {
  // GPW groups per workgroup, one after the other: a workgroup costs a CPU adapter a few µs to start.
  let first = (wid.x + wid.y * p.gx) * GPW;
  for (var g = first; g < min(first + GPW, p.groups); g++) {
    join_group(g, lid);
    workgroupBarrier();
  }
}

fn join_group(g: u32, lid: u32) {
  let cn = counts[g] & 0xffffu;
  let c = cn + (counts[g] >> 16u);
  let d4 = p.d4;
  let base = g * p.stride;
  for (var i = lid; i < c; i += WG) {
    let id = cand[base + i];
    ids[i] = id;
    lim[i] = thr[id];
    if (id < p.split) {
      for (var t = 0u; t < d4; t++) { tile[t * CMAX + i] = xa[id * d4 + t]; }
    } else {
      for (var t = 0u; t < d4; t++) { tile[t * CMAX + i] = xb[(id - p.split) * d4 + t]; }
    }
  }
  workgroupBarrier();
  let nib = (cn + 7u) / 8u;
  let njb = (c + 7u) / 8u;
  let items = nib * njb - nib * (nib - 1u) / 2u;
  for (var it = lid; it < items; it += WG) {
    var ib = 0u;
    var r = it;
    loop {
      if (r < njb - ib) { break; }
      r -= njb - ib;
      ib++;
    }
    let i = 8u * ib;
    let j = 8u * (ib + r);
    var s0l = vec4<f32>(0.0); var s0h = vec4<f32>(0.0);
    var s1l = vec4<f32>(0.0); var s1h = vec4<f32>(0.0);
    var s2l = vec4<f32>(0.0); var s2h = vec4<f32>(0.0);
    var s3l = vec4<f32>(0.0); var s3h = vec4<f32>(0.0);
    var s4l = vec4<f32>(0.0); var s4h = vec4<f32>(0.0);
    var s5l = vec4<f32>(0.0); var s5h = vec4<f32>(0.0);
    var s6l = vec4<f32>(0.0); var s6h = vec4<f32>(0.0);
    var s7l = vec4<f32>(0.0); var s7h = vec4<f32>(0.0);
    for (var t4 = 0u; t4 < d4; t4++) {
      let t = t4 * CMAX;
      let b0 = tile[t + j]; let b1 = tile[t + j + 1u]; let b2 = tile[t + j + 2u]; let b3 = tile[t + j + 3u];
      let b4 = tile[t + j + 4u]; let b5 = tile[t + j + 5u]; let b6 = tile[t + j + 6u]; let b7 = tile[t + j + 7u];
      let x0 = tile[t + i + 0u];
      s0l += vec4<f32>(sq(x0 - b0), sq(x0 - b1), sq(x0 - b2), sq(x0 - b3));
      s0h += vec4<f32>(sq(x0 - b4), sq(x0 - b5), sq(x0 - b6), sq(x0 - b7));
      let x1 = tile[t + i + 1u];
      s1l += vec4<f32>(sq(x1 - b0), sq(x1 - b1), sq(x1 - b2), sq(x1 - b3));
      s1h += vec4<f32>(sq(x1 - b4), sq(x1 - b5), sq(x1 - b6), sq(x1 - b7));
      let x2 = tile[t + i + 2u];
      s2l += vec4<f32>(sq(x2 - b0), sq(x2 - b1), sq(x2 - b2), sq(x2 - b3));
      s2h += vec4<f32>(sq(x2 - b4), sq(x2 - b5), sq(x2 - b6), sq(x2 - b7));
      let x3 = tile[t + i + 3u];
      s3l += vec4<f32>(sq(x3 - b0), sq(x3 - b1), sq(x3 - b2), sq(x3 - b3));
      s3h += vec4<f32>(sq(x3 - b4), sq(x3 - b5), sq(x3 - b6), sq(x3 - b7));
      let x4 = tile[t + i + 4u];
      s4l += vec4<f32>(sq(x4 - b0), sq(x4 - b1), sq(x4 - b2), sq(x4 - b3));
      s4h += vec4<f32>(sq(x4 - b4), sq(x4 - b5), sq(x4 - b6), sq(x4 - b7));
      let x5 = tile[t + i + 5u];
      s5l += vec4<f32>(sq(x5 - b0), sq(x5 - b1), sq(x5 - b2), sq(x5 - b3));
      s5h += vec4<f32>(sq(x5 - b4), sq(x5 - b5), sq(x5 - b6), sq(x5 - b7));
      let x6 = tile[t + i + 6u];
      s6l += vec4<f32>(sq(x6 - b0), sq(x6 - b1), sq(x6 - b2), sq(x6 - b3));
      s6h += vec4<f32>(sq(x6 - b4), sq(x6 - b5), sq(x6 - b6), sq(x6 - b7));
      let x7 = tile[t + i + 7u];
      s7l += vec4<f32>(sq(x7 - b0), sq(x7 - b1), sq(x7 - b2), sq(x7 - b3));
      s7h += vec4<f32>(sq(x7 - b4), sq(x7 - b5), sq(x7 - b6), sq(x7 - b7));
    }
    // One call site for the 64 offers keeps the shader small for the adapters' compilers.
    var res: array<vec4<f32>, 16>;
    res[0] = s0l; res[1] = s0h;
    res[2] = s1l; res[3] = s1h;
    res[4] = s2l; res[5] = s2h;
    res[6] = s3l; res[7] = s3h;
    res[8] = s4l; res[9] = s4h;
    res[10] = s5l; res[11] = s5h;
    res[12] = s6l; res[13] = s6h;
    res[14] = s7l; res[15] = s7h;
    for (var e = 0u; e < 64u; e++) { offer(i + e / 8u, j + e % 8u, cn, c, res[e / 4u][e % 4u]); }
  }
}
