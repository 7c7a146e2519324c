// A Gaussian mixture generated in place: row i belongs to cluster i % k; its centre and the noise
// come from a counter-based hash (PCG), so any element can be made independently and no data
// crosses the bus. Box-Muller turns two uniforms into one normal sample.
struct Params { n: u32, d: u32, k: u32, seed: u32, spread: f32, sigma: f32, total: u32, pad: u32 }
@group(0) @binding(0) var<uniform> p: Params;
@group(0) @binding(1) var<storage, read_write> x: array<f32>;

override WG: u32 = 64;

fn pcg(v: u32) -> u32 {
  let state = v * 747796405u + 2891336453u;
  let word = ((state >> ((state >> 28u) + 4u)) ^ state) * 277803737u;
  return (word >> 22u) ^ word;
}
fn uniform01(h: u32) -> f32 { return (f32(h >> 8u) + 0.5) / 16777216.0; }
fn normal(a: u32, b: u32) -> f32 {
  return sqrt(-2.0 * log(uniform01(a))) * cos(6.283185307 * uniform01(b));
}

@compute @workgroup_size(WG)
fn main(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>) {
  let e = gid.x + gid.y * nwg.x * WG;
  if (e >= p.total) { return; }
  let row = e / p.d;
  let col = e % p.d;
  let cluster = row % p.k;
  let hc = pcg(p.seed ^ pcg(cluster * 7919u + col));
  let centre = p.spread * normal(pcg(hc), pcg(hc + 1u));
  let hn = pcg((p.seed + 0x9e3779b9u) ^ pcg(e));
  x[e] = centre + p.sigma * normal(pcg(hn), pcg(hn ^ 0x85ebca6bu));
}
