// Lasso selection on the GPU: each point is projected with the camera matrix and tested against a
// screen-space polygon by the even-odd rule (a ray to +x crosses the edges an odd number of times).
// Results are packed 32 points to a u32 with atomicOr, so a lasso over 1M points reads back 125 KB.
struct Params { n: u32, vertices: u32, pad0: u32, pad1: u32 }
@group(0) @binding(0) var<uniform> p: Params;
@group(0) @binding(1) var<storage, read> pos: array<vec4<f32>>;
@group(0) @binding(2) var<storage, read> colour: array<vec4<f32>>;
// view: mvp (16, column-major), viewport w h (CSS pixels), then the polygon's x y pairs
@group(0) @binding(3) var<storage, read> view: array<f32>;
@group(0) @binding(4) var<storage, read_write> bits: array<atomic<u32>>;

override WG: u32 = 64;

@compute @workgroup_size(WG)
fn main(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>) {
  let i = gid.x + gid.y * nwg.x * WG;
  if (i >= p.n) { return; }
  if (colour[i].a <= 0.0) { return; }
  let m = mat4x4<f32>(view[0], view[1], view[2], view[3], view[4], view[5], view[6], view[7],
    view[8], view[9], view[10], view[11], view[12], view[13], view[14], view[15]);
  let c = m * vec4<f32>(pos[i].xyz, 1.0);
  if (c.w <= 0.0) { return; }
  let s = vec2<f32>((c.x / c.w * 0.5 + 0.5) * view[16], (0.5 - c.y / c.w * 0.5) * view[17]);
  var inside = false;
  var j = p.vertices - 1u;
  for (var k = 0u; k < p.vertices; k++) {
    let a = vec2<f32>(view[18u + 2u * k], view[19u + 2u * k]);
    let b = vec2<f32>(view[18u + 2u * j], view[19u + 2u * j]);
    if ((a.y > s.y) != (b.y > s.y)) {
      let xCross = a.x + (s.y - a.y) * (b.x - a.x) / (b.y - a.y);
      if (s.x < xCross) { inside = !inside; }
    }
    j = k;
  }
  if (inside) { atomicOr(&bits[i / 32u], 1u << (i % 32u)); }
}
