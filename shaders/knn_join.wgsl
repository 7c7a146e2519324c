// NN-descent's local join (Dong, Moses & Li 2011, as in PyNNDescent): for each group of points, the
// squared Euclidean distance of every pair (new, new) and (new, old), offered to both endpoints.
// A group is one vertex's sampled candidates (new first, then old) or one random-projection leaf
// (all new). Only a pair nearer than the current k-th distance of either endpoint (`thr`, read at
// the start of the batch) is written out, as (a, b, distance bits), through an atomic counter;
// the host merges those into the per-row lists and re-runs a batch whose output overflowed.
//
// Shape: one workgroup per group. The group's rows are gathered once into workgroup memory,
// transposed (tile[t·CMAX + i]), so that lanes over i read consecutive words and the partner j,
// the same for every lane, is a broadcast: a small dense distance tile per group.
// x may span two bindings (rows [0, split) in xa, the rest in xb) so that 1M × 50 f32 fits.
struct Params {
  groups: u32, stride: u32, d: u32, split: u32, cap: u32, gx: u32, _p0: u32, _p1: u32,
}

override WG: u32 = 64u;
// Most points in one group; CMAX · d floats must fit the workgroup memory (the host checks).
override CMAX: u32 = 128u;
override TILE: u32 = 6400u;

@group(0) @binding(0) var<uniform> p: Params;
@group(0) @binding(1) var<storage, read> xa: array<f32>;
@group(0) @binding(2) var<storage, read> xb: array<f32>;
@group(0) @binding(3) var<storage, read> cand: array<u32>;
@group(0) @binding(4) var<storage, read> counts: array<u32>;
@group(0) @binding(5) var<storage, read> thr: array<f32>;
@group(0) @binding(6) var<storage, read_write> out: array<u32>;
@group(0) @binding(7) var<storage, read_write> counter: array<atomic<u32>>;

var<workgroup> tile: array<f32, TILE>;
var<workgroup> ids: array<u32, CMAX>;
var<workgroup> lim: array<f32, CMAX>;

fn xv(row: u32, t: u32) -> f32 {
  if (row < p.split) { return xa[row * p.d + t]; }
  return xb[(row - p.split) * p.d + t];
}

@compute @workgroup_size(WG, 1, 1)
fn main(@builtin(workgroup_id) wid: vec3<u32>, @builtin(local_invocation_index) lid: u32) {
  let g = wid.x + wid.y * p.gx;
  // Uniform per workgroup: every lane returns or none does, so the barrier below is reached by all.
  if (g >= p.groups) { return; }
  let cn = counts[g] & 0xffffu;
  let c = cn + (counts[g] >> 16u);
  let d = p.d;
  let base = g * p.stride;
  for (var i = lid; i < c; i += WG) {
    let id = cand[base + i];
    ids[i] = id;
    lim[i] = thr[id];
  }
  for (var e = lid; e < c * d; e += WG) {
    let i = e / d;
    let t = e - i * d;
    tile[t * CMAX + i] = xv(cand[base + i], t);
  }
  workgroupBarrier();
  for (var i0 = 0u; i0 < cn; i0 += WG) {
    let i = i0 + lid;
    let live = i < cn;
    let ii = min(i, CMAX - 1u);
    let mine = lim[ii];
    let me = ids[ii];
    for (var j = i0 + 1u; j < c; j++) {
      var s = 0.0;
      for (var t = 0u; t < d; t++) {
        let diff = tile[t * CMAX + ii] - tile[t * CMAX + j];
        s = fma(diff, diff, s);
      }
      if (live && j > i && (s < mine || s < lim[j]) && ids[j] != me) {
        let slot = atomicAdd(&counter[0], 1u);
        if (slot < p.cap) {
          out[3u * slot] = me;
          out[3u * slot + 1u] = ids[j];
          out[3u * slot + 2u] = bitcast<u32>(s);
        }
      }
    }
  }
}
