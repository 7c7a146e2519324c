// Kernel density, step 1: counts of the visible points in each cell of a regular grid over the
// view's [-1.1, 1.1]^2 (or ^3) box, by atomic adds. Cells hold u32 counts in an f32-sized buffer.
struct Params { n: u32, gx: u32, gy: u32, gz: u32 }
@group(0) @binding(0) var<uniform> p: Params;
@group(0) @binding(1) var<storage, read> pos: array<vec4<f32>>;
@group(0) @binding(2) var<storage, read> colour: array<vec4<f32>>;
@group(0) @binding(3) var<storage, read_write> counts: array<atomic<u32>>;

override WG: u32 = 64;

fn cell(v: f32, g: u32) -> u32 {
  return u32(clamp(floor((v + 1.1) / 2.2 * f32(g)), 0.0, f32(g - 1u)));
}

@compute @workgroup_size(WG)
fn main(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>) {
  let i = gid.x + gid.y * nwg.x * WG;
  if (i >= p.n || colour[i].a <= 0.0) { return; }
  let q = pos[i].xyz;
  let at = (cell(q.z, p.gz) * p.gy + cell(q.y, p.gy)) * p.gx + cell(q.x, p.gx);
  atomicAdd(&counts[at], 1u);
}
