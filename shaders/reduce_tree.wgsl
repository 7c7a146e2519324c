// Reduction by workgroup trees (GPU shape): lanes read coalesced, then halve their values in
// workgroup memory, log2(IL) barriers. See lib/reduce_lanes.wgsl for the layout and segments.
// #include "lib/reduce_lanes.wgsl"

@compute @workgroup_size(WG, 1, 1)
fn main(@builtin(workgroup_id) wid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>,
  @builtin(local_invocation_index) lid: u32) {
  let lin = wid.x + wid.y * nwg.x;
  if (lin >= p.out_groups * p.segments) { return; }
  let og = lin % p.out_groups;
  let s = lin / p.out_groups;
  stage(lid, og, s);
  let il = lid % IL;
  for (var h = IL / 2u; h > 0u; h >>= 1u) {
    if (il < h) { sh[lid] = comb(sh[lid], sh[lid + h]); }
    workgroupBarrier();
  }
  if (il == 0u) { write_result(og * (WG / IL) + lid / IL, s, sh[lid]); }
}
