// Reduction with subgroup operations (GPU shape where the `subgroups` feature exists): after the
// staged first phase, each subgroup combines its lanes with subgroupAdd/Max/Min in one step, and
// one lane per output combines its IL / subgroup_size subgroup results: one barrier instead of
// log2(IL). Assumes subgroups are runs of consecutive local_invocation_index (true of the
// implementations in use; the tuner checks every variant against the lane-per-output result).
// When a subgroup is wider than IL (it would mix outputs), lane il = 0 combines its IL staged
// values itself.
enable subgroups;
// #include "lib/reduce_lanes.wgsl"

var<workgroup> sgsum: array<f32, MAX_WG>;

@compute @workgroup_size(WG, 1, 1)
fn main(@builtin(workgroup_id) wid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>,
  @builtin(local_invocation_index) lid: u32, @builtin(subgroup_size) sg: u32,
  @builtin(subgroup_invocation_id) sgi: u32) {
  let lin = wid.x + wid.y * nwg.x;
  if (lin >= p.out_groups * p.segments) { return; }
  let og = lin % p.out_groups;
  let s = lin / p.out_groups;
  stage(lid, og, s);
  let v = sh[lid];
  var r: f32;
  if (p.op == OP_MAX) { r = subgroupMax(v); } else if (p.op == OP_MIN) { r = subgroupMin(v); } else { r = subgroupAdd(v); }
  if (sgi == 0u) { sgsum[lid / sg] = r; }
  workgroupBarrier();
  if (lid % IL != 0u) { return; }
  let o = og * (WG / IL) + lid / IL;
  if (sg <= IL) {
    var acc = sgsum[lid / sg];
    for (var t = 1u; t < IL / sg; t++) { acc = comb(acc, sgsum[lid / sg + t]); }
    write_result(o, s, acc);
  } else {
    var acc = sh[lid];
    for (var t = 1u; t < IL; t++) { acc = comb(acc, sh[lid + t]); }
    write_result(o, s, acc);
  }
}
