// Picking without reading positions back: each point is projected with the camera matrix on the
// GPU. `nearest` keeps the smallest squared screen distance (positive f32 bits order like u32, so
// atomicMin works on them), `owner` then takes the lowest index at that distance, and the host
// reads back two u32s. `inBox` sets a bit for each point inside a screen rectangle (box selection).
struct Params { n: u32, pad0: u32, pad1: u32, pad2: u32 }
@group(0) @binding(0) var<uniform> p: Params;
@group(0) @binding(1) var<storage, read> pos: array<vec4<f32>>;
@group(0) @binding(2) var<storage, read> colour: array<vec4<f32>>;
// view: mvp (16, column-major), mouse x y (pixels), viewport w h, radius (pixels), box x0 y0 x1 y1
@group(0) @binding(3) var<storage, read> view: array<f32>;
@group(0) @binding(4) var<storage, read_write> out: array<atomic<u32>>;

override WG: u32 = 64;

fn screen(i: u32) -> vec3<f32> {
  let m = mat4x4<f32>(view[0], view[1], view[2], view[3], view[4], view[5], view[6], view[7],
    view[8], view[9], view[10], view[11], view[12], view[13], view[14], view[15]);
  let c = m * vec4<f32>(pos[i].xyz, 1.0);
  if (c.w <= 0.0) { return vec3<f32>(-1e9, -1e9, -1.0); }
  let ndc = c.xy / c.w;
  return vec3<f32>((ndc.x * 0.5 + 0.5) * view[18], (0.5 - ndc.y * 0.5) * view[19], 1.0);
}

fn index(gid: vec3<u32>, nwg: vec3<u32>) -> u32 { return gid.x + gid.y * nwg.x * WG; }

fn sqDistance(i: u32) -> f32 {
  let s = screen(i);
  if (s.z < 0.0 || colour[i].a <= 0.0) { return 3.0e38; }
  let d = s.xy - vec2<f32>(view[16], view[17]);
  return dot(d, d);
}

@compute @workgroup_size(WG)
fn nearest(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>) {
  let i = index(gid, nwg);
  if (i >= p.n) { return; }
  let d = sqDistance(i);
  if (d <= view[20] * view[20]) { atomicMin(&out[0], bitcast<u32>(d)); }
}

@compute @workgroup_size(WG)
fn owner(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>) {
  let i = index(gid, nwg);
  if (i >= p.n) { return; }
  if (bitcast<u32>(sqDistance(i)) == atomicLoad(&out[0])) { atomicMin(&out[1], i); }
}

@compute @workgroup_size(WG)
fn inBox(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>) {
  let i = index(gid, nwg);
  if (i >= p.n) { return; }
  let s = screen(i);
  let inside = s.z > 0.0 && colour[i].a > 0.0 && s.x >= view[21] && s.y >= view[22] && s.x <= view[23] && s.y <= view[24];
  // One bit per point, 32 to a word (the words start at zero): 125 KB come back for 1M points.
  if (inside) { atomicOr(&out[i / 32u], 1u << (i % 32u)); }
}
