// NN-descent's local join (Dong, Moses & Li 2011, as in PyNNDescent): for each group of points, the
// squared Euclidean distance of every pair (new, new) and (new, old), offered to both endpoints.
// A group is one vertex's sampled candidates (new first, then old) or one random-projection leaf
// (all new). Only a pair nearer than the current k-th distance of either endpoint (`thr`, read at
// the start of the batch) is written out, as (a, b, distance bits), through an atomic counter;
// the host merges those into the per-row lists and re-runs a batch whose output overflowed.
//
// Shape: one workgroup per group, WG lanes over its new points. The group's rows are gathered once
// into workgroup memory as vec4s, transposed (tile[t4·CMAX + i]), so that in the distance loop a
// lane gathers one vec4 of its own row and compares it with four partners j..j+3, the same for
// every lane (broadcast loads): a small dense distance tile per group, 16 FMAs per gather.
// x may span two bindings (rows [0, split) in xa, the rest in xb) so that 1M × 50 f32 fits.
struct Params {
  groups: u32, stride: u32, d: u32, split: u32, cap: u32, gx: u32, _p0: u32, _p1: u32,
}

override WG: u32 = 64u;
// Most points in one group; CMAX · ⌈d/4⌉ vec4s must fit the workgroup memory (the host checks).
override CMAX: u32 = 128u;
// CMAX · ⌈d/4⌉ + 4: the partners j + 1..3 past the last point read (unused) words, not past the end.
override TILE4: u32 = 1668u;

@group(0) @binding(0) var<uniform> p: Params;
@group(0) @binding(1) var<storage, read> xa: array<f32>;
@group(0) @binding(2) var<storage, read> xb: array<f32>;
@group(0) @binding(3) var<storage, read> cand: array<u32>;
@group(0) @binding(4) var<storage, read> counts: array<u32>;
@group(0) @binding(5) var<storage, read> thr: array<f32>;
@group(0) @binding(6) var<storage, read_write> out: array<u32>;
@group(0) @binding(7) var<storage, read_write> counter: array<atomic<u32>>;

var<workgroup> tile: array<vec4<f32>, TILE4>;
var<workgroup> ids: array<u32, CMAX>;
var<workgroup> lim: array<f32, CMAX>;

fn xv(row: u32, t: u32) -> f32 {
  if (t >= p.d) { return 0.0; }
  if (row < p.split) { return xa[row * p.d + t]; }
  return xb[(row - p.split) * p.d + t];
}

fn sq(e: vec4<f32>) -> f32 { return dot(e, e); }

fn emit(a: u32, b: u32, s: f32) {
  let slot = atomicAdd(&counter[0], 1u);
  if (slot < p.cap) {
    out[3u * slot] = a;
    out[3u * slot + 1u] = b;
    out[3u * slot + 2u] = bitcast<u32>(s);
  }
}

@compute @workgroup_size(WG, 1, 1)
fn main(@builtin(workgroup_id) wid: vec3<u32>, @builtin(local_invocation_index) lid: u32) {
  let g = wid.x + wid.y * p.gx;
  // Uniform per workgroup: every lane returns or none does, so the barrier below is reached by all.
  if (g >= p.groups) { return; }
  let cn = counts[g] & 0xffffu;
  let c = cn + (counts[g] >> 16u);
  let d4 = (p.d + 3u) / 4u;
  let base = g * p.stride;
  for (var i = lid; i < c; i += WG) {
    let id = cand[base + i];
    ids[i] = id;
    lim[i] = thr[id];
  }
  for (var e = lid; e < c * d4; e += WG) {
    let i = e / d4;
    let t = 4u * (e - i * d4);
    let row = cand[base + i];
    tile[(t / 4u) * CMAX + i] = vec4<f32>(xv(row, t), xv(row, t + 1u), xv(row, t + 2u), xv(row, t + 3u));
  }
  workgroupBarrier();
  for (var i0 = 0u; i0 < cn; i0 += WG) {
    let i = i0 + lid;
    let live = i < cn;
    let ii = min(i, CMAX - 1u);
    let mine = lim[ii];
    let me = ids[ii];
    for (var j = i0 + 1u; j < c; j += 4u) {
      var s = vec4<f32>(0.0);
      for (var t4 = 0u; t4 < d4; t4++) {
        let at = t4 * CMAX;
        let a = tile[at + ii];
        s += vec4<f32>(sq(a - tile[at + j]), sq(a - tile[at + j + 1u]), sq(a - tile[at + j + 2u]), sq(a - tile[at + j + 3u]));
      }
      if (live) {
        for (var q = 0u; q < 4u; q++) {
          let jq = j + q;
          if (jq < c && jq > i && (s[q] < mine || s[q] < lim[jq]) && ids[jq] != me) { emit(me, ids[jq], s[q]); }
        }
      }
    }
  }
}
