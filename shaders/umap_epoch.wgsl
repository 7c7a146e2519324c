// One epoch of UMAP's stochastic gradient descent (McInnes, Healy & Melville 2018, §3.2;
// umap-learn's `optimize_layout_euclidean`), written as a per-vertex gather so that the result
// does not depend on the order in which invocations run: every invocation reads positions of the
// previous epoch (`head`, `tail`) and writes only its own row of `out`.
//
// Row i of the CSR lists the edges i–j that move i. An edge of weight w is sampled in the epochs
// where ⌊(e + 1)·w/w_max⌋ > ⌊e·w/w_max⌋ (once every w_max/w epochs, umap-learn's epochs-per-sample).
// A sampled edge pulls i towards j by the gradient of log q, q = 1/(1 + a·d^(2b)), `attractScale`
// times (2 in a fit: the symmetric graph holds i→j and j→i, and umap-learn moves both ends of each),
// and pushes i away from `negatives` points k drawn by Philox from (edge, epoch, draw) with the
// gradient of γ·log(1 − q). Each term is clipped to ±4 per coordinate, as umap-learn does.
// The host splits rows into windows of `count` entries so the loops stay inside the loop budget;
// a window after the first adds to what the previous one wrote. Where the edges are more than one
// storage binding holds, rows are split into groups, each binding its own range of the edges.
// #include "lib/philox.wgsl"
struct Params {
  nHead: u32, nTail: u32, epoch: u32, negatives: u32,
  alpha: f32, a: f32, b: f32, gamma: f32,
  invMaxWeight: f32, attractScale: f32, seed: u32, start: u32,
  count: u32, accumulate: u32,
  // Rows [rowStart, rowEnd) of this dispatch; `cols`/`weights` hold edges from edgeBase on.
  rowStart: u32, rowEnd: u32, edgeBase: u32,
}

override WG: u32 = 64u;
override DIMS: u32 = 2u;
// Private arrays need a constant size: embeddings of up to 16 dimensions.
const MAX_DIMS: u32 = 16u;
// Row entries one dispatch visits at most (the host's window).
const WINDOW: u32 = 128u;

@group(0) @binding(0) var<uniform> p: Params;
@group(0) @binding(1) var<storage, read> head: array<f32>;
@group(0) @binding(2) var<storage, read> tail: array<f32>;
@group(0) @binding(3) var<storage, read> rowPtr: array<u32>;
@group(0) @binding(4) var<storage, read> cols: array<u32>;
@group(0) @binding(5) var<storage, read> weights: array<f32>;
@group(0) @binding(6) var<storage, read_write> out: array<f32>;

fn clip4(v: f32) -> f32 { return clamp(v, -4.0, 4.0); }

// Bits [25c, 25c + 25) of the 128-bit draw, scaled to [0, n) by a multiply-high: uniform to within
// n / 2^25 (a point index below 33 million, far above what one storage binding holds).
fn sampleIndex(draw: vec4<u32>, c: u32, n: u32) -> u32 {
  let at = 25u * c;
  let word = at / 32u;
  let shift = at % 32u;
  var bits = draw[word] >> shift;
  if (shift > 7u) { bits = bits | (draw[word + 1u] << (32u - shift)); }
  return philox_mulhilo((bits & 0x1FFFFFFu) << 7u, n).x;
}

@compute @workgroup_size(WG, 1, 1)
fn main(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>) {
  let i = p.rowStart + gid.x + gid.y * nwg.x * WG;
  if (i >= p.rowEnd) { return; }
  var yi: array<f32, MAX_DIMS>;
  var step: array<f32, MAX_DIMS>;
  for (var d = 0u; d < DIMS; d++) { yi[d] = head[i * DIMS + d]; step[d] = 0.0; }
  let first = rowPtr[i] - p.edgeBase + p.start;
  let last = min(rowPtr[i + 1u] - p.edgeBase, first + p.count);
  let e0 = f32(p.epoch);
  // The entries sampled this epoch, gathered first so that the force loops below run as many
  // iterations as this row has samples (lanes of a CPU adapter's SIMD groups then idle less).
  var sampled: array<u32, WINDOW>;
  var count = 0u;
  for (var m = first; m < last; m++) {
    let r = weights[m] * p.invMaxWeight;
    if (floor((e0 + 1.0) * r) > floor(e0 * r)) { sampled[count] = m; count++; }
  }
  for (var t = 0u; t < count; t++) {
    let j = cols[sampled[t]];
    var d2 = 0.0;
    for (var d = 0u; d < DIMS; d++) { let u = yi[d] - tail[j * DIMS + d]; d2 += u * u; }
    if (d2 > 0.0) {
      // pow(d², b − 1) = pow(d², b) / d²: one pow per sample.
      let powB = pow(d2, p.b);
      let coeff = -2.0 * p.a * p.b * (powB / d2) / (p.a * powB + 1.0);
      for (var d = 0u; d < DIMS; d++) { step[d] += p.attractScale * clip4(coeff * (yi[d] - tail[j * DIMS + d])); }
    }
  }
  // Five negative samples per Philox draw (counter: edge, epoch, draw), 25 bits each.
  for (var t = 0u; t < count; t++) {
    var draw = vec4<u32>(0u);
    var c = 5u;
    for (var s = 0u; s < p.negatives; s++) {
      if (c == 5u) { draw = philox4x32(vec4<u32>(sampled[t] + p.edgeBase, p.epoch, s / 5u, 0u), vec2<u32>(p.seed, 0x0AB5u)); c = 0u; }
      let k = sampleIndex(draw, c, p.nTail);
      c++;
      var k2 = 0.0;
      for (var d = 0u; d < DIMS; d++) { let u = yi[d] - tail[k * DIMS + d]; k2 += u * u; }
      if (k2 <= 0.0) { continue; }
      let coeff = 2.0 * p.gamma * p.b / ((0.001 + k2) * (p.a * pow(k2, p.b) + 1.0));
      for (var d = 0u; d < DIMS; d++) { step[d] += clip4(coeff * (yi[d] - tail[k * DIMS + d])); }
    }
  }
  for (var d = 0u; d < DIMS; d++) {
    let base = select(yi[d], out[i * DIMS + d], p.accumulate != 0u);
    out[i * DIMS + d] = base + p.alpha * step[d];
  }
}
