// Shared first phase of reduce_tree.wgsl and reduce_subgroup.wgsl, which differ only in how the
// lanes of a workgroup combine their values (`combine_lanes`).
//
// Reduction of a strided matrix: element (o, i) of output o is x[o·ostride + i·istride] (AXIS 0 of a
// row-major [R, C]: ostride 1, istride C; AXIS 1: ostride C, istride 1). A workgroup of WG lanes
// covers OL = WG / IL outputs with IL lanes each; the lanes of one output stride through one segment
// of its i range (segments of `seg_len`, one per workgroup row of the grid, so a long reduction is
// spread over many workgroups), each lane summing its terms in blocks (f32 error grows with
// BLOCK + n/BLOCK, not n). OFAST puts the output index on the lanes' fast axis: set where that
// makes adjacent lanes read adjacent addresses (AXIS 0 with several columns), unset where the
// reduced index does (AXIS 1, or a single column). Segment s writes y[s·outputs + o]: the host
// reduces those partials again when segments > 1, and applies `scale` and `accumulate` (combine
// with y's current value) only in the last pass. `total` (when non-zero) bounds the flat index,
// for the ragged last row of a flat array. `inf_bits` holds the bits of +infinity.
struct Params {
  outputs: u32, length: u32, ostride: u32, istride: u32, op: u32, scale: f32, accumulate: u32, total: u32,
  seg_len: u32, segments: u32, out_groups: u32, inf_bits: u32,
}

const OP_SUMSQ: u32 = 1u;
const OP_MAX: u32 = 2u;
const OP_MIN: u32 = 3u;
const OP_SUMABS: u32 = 4u;
const BLOCK: u32 = 64u;
const MAX_WG: u32 = 256u;

override WG: u32 = 256u;
override IL: u32 = 256u;
override OFAST: bool = false;

@group(0) @binding(0) var<uniform> p: Params;
@group(0) @binding(1) var<storage, read> x: array<f32>;
@group(0) @binding(2) var<storage, read_write> y: array<f32>;

var<workgroup> sh: array<f32, MAX_WG>;

fn identity() -> f32 {
  // ±infinity, from the host: WGSL rejects an infinite constant.
  if (p.op == OP_MAX) { return -bitcast<f32>(p.inf_bits); }
  if (p.op == OP_MIN) { return bitcast<f32>(p.inf_bits); }
  return 0.0;
}

fn comb(a: f32, b: f32) -> f32 {
  if (p.op == OP_MAX) { return max(a, b); }
  if (p.op == OP_MIN) { return min(a, b); }
  return a + b;
}

fn term(v: f32) -> f32 {
  if (p.op == OP_SUMSQ) { return v * v; }
  if (p.op == OP_SUMABS) { return abs(v); }
  return v;
}

/** Lane (ol, il)'s combination of its terms of output o in segment s. */
fn lane_value(o: u32, il: u32, s: u32) -> f32 {
  let id = identity();
  var total = id;
  if (o >= p.outputs) { return total; }
  let i1 = min(p.length, (s + 1u) * p.seg_len);
  var part = id;
  var n = 0u;
  for (var i = s * p.seg_len + il; i < i1; i += IL) {
    let idx = o * p.ostride + i * p.istride;
    if (p.total != 0u && idx >= p.total) { break; }
    part = comb(part, term(x[idx]));
    n++;
    if (n == BLOCK) { total = comb(total, part); part = id; n = 0u; }
  }
  return comb(total, part);
}

fn write_result(o: u32, s: u32, v: f32) {
  if (o >= p.outputs) { return; }
  let idx = s * p.outputs + o;
  var r = v;
  if (p.op != OP_MAX && p.op != OP_MIN) { r *= p.scale; }
  if (p.accumulate != 0u) { r = comb(r, y[idx]); }
  y[idx] = r;
}

/**
 * The workgroup's first phase: each lane combines its own terms, and the values are staged in `sh`
 * with each output's IL values contiguous (sh[ol·IL + il]), whichever axis was fast when reading.
 */
fn stage(lid: u32, og: u32, s: u32) {
  let OL = WG / IL;
  var ol = lid / IL;
  var il = lid % IL;
  if (OFAST) { ol = lid % OL; il = lid / OL; }
  sh[ol * IL + il] = lane_value(og * OL + ol, il, s);
  workgroupBarrier();
}
