// Kernel density, step 3: densities divided by the grid's maximum (a GPU reduction), either into
// the grid the contour overlay draws from (`grid`) or, per point, into the w of its drawn position
// (`points`: a 3-D view sizes points by the density around them).
struct Params { n: u32, gx: u32, gy: u32, gz: u32 }
@group(0) @binding(0) var<uniform> p: Params;
@group(0) @binding(1) var<storage, read> density: array<f32>;
@group(0) @binding(2) var<storage, read> peak: array<f32>;
@group(0) @binding(3) var<storage, read_write> out: array<vec4<f32>>;

override WG: u32 = 64;

fn cell(v: f32, g: u32) -> u32 {
  return u32(clamp(floor((v + 1.1) / 2.2 * f32(g)), 0.0, f32(g - 1u)));
}

@compute @workgroup_size(WG)
fn grid(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>) {
  // out is the overlay's grid viewed as vec4s: four cells per invocation.
  let i = gid.x + gid.y * nwg.x * WG;
  if (i * 4u >= p.n) { return; }
  let s = 1.0 / max(peak[0], 1e-20);
  out[i] = vec4<f32>(density[4u * i], density[4u * i + 1u], density[4u * i + 2u], density[4u * i + 3u]) * s;
}

@compute @workgroup_size(WG)
fn points(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>) {
  let i = gid.x + gid.y * nwg.x * WG;
  if (i >= p.n) { return; }
  let q = out[i].xyz;
  let at = (cell(q.z, p.gz) * p.gy + cell(q.y, p.gy)) * p.gx + cell(q.x, p.gx);
  out[i] = vec4<f32>(q, density[at] / max(peak[0], 1e-20));
}
