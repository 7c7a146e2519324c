// Kernel density, step 2: a Gaussian blur of the grid along one axis (separable: one dispatch per
// axis). The first pass reads the splat's u32 counts, later ones f32 sums (both as u32 bits).
struct Params { gx: u32, gy: u32, gz: u32, axis: u32, radius: u32, fromCounts: u32, sigma: f32, pad: u32 }
@group(0) @binding(0) var<uniform> p: Params;
@group(0) @binding(1) var<storage, read> src: array<u32>;
@group(0) @binding(2) var<storage, read_write> dst: array<f32>;

override WG: u32 = 64;

fn value(at: u32) -> f32 {
  if (p.fromCounts == 1u) { return f32(src[at]); }
  return bitcast<f32>(src[at]);
}

@compute @workgroup_size(WG)
fn main(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>) {
  let i = gid.x + gid.y * nwg.x * WG;
  let total = p.gx * p.gy * p.gz;
  if (i >= total) { return; }
  let c = vec3<i32>(i32(i % p.gx), i32((i / p.gx) % p.gy), i32(i / (p.gx * p.gy)));
  let size = vec3<i32>(i32(p.gx), i32(p.gy), i32(p.gz));
  var step = vec3<i32>(0);
  step[p.axis] = 1;
  var sum = 0.0;
  let r = i32(p.radius);
  for (var k = -r; k <= r; k++) {
    let q = c + step * k;
    if (any(q < vec3<i32>(0)) || any(q >= size)) { continue; }
    let w = exp(-0.5 * f32(k * k) / (p.sigma * p.sigma));
    sum += w * value(u32((q.z * size.y + q.y) * size.x + q.x));
  }
  dst[i] = sum;
}
