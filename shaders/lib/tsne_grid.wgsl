// The interpolation grid of the field repulsion, derived on the GPU from the embedding's bounds
// every iteration (no readback): M nodes per dimension, one spacing h for all dimensions, the
// points' bounding box centred with one spare node on each side for the 3-node stencil.
// Quadratic Lagrange interpolation on the three nodes around the nearest one (error O(h³), as in
// the polynomial interpolation of Linderman et al. 2019, FIt-SNE).
fn gridSpacing(bmin: vec3<f32>, bmax: vec3<f32>, m: u32) -> f32 {
  let span = max(max(bmax.x - bmin.x, bmax.y - bmin.y), bmax.z - bmin.z);
  return max(span, 1.0e-6) / f32(m - 3u);
}

fn gridOrigin(bmin: vec3<f32>, bmax: vec3<f32>, h: f32, m: u32) -> vec3<f32> {
  return 0.5 * (bmin + bmax) - vec3<f32>(0.5 * h * f32(m - 1u));
}

// Nearest node per axis (kept one node away from the edges) and the three stencil weights per axis.
struct Stencil { node: vec3<i32>, w0: vec3<f32>, w1: vec3<f32>, w2: vec3<f32> }

fn stencil(y: vec3<f32>, lo: vec3<f32>, h: f32, m: u32) -> Stencil {
  let u = (y - lo) / h;
  let c = clamp(round(u), vec3<f32>(1.0), vec3<f32>(f32(m - 2u)));
  let t = u - c;
  var s: Stencil;
  s.node = vec3<i32>(c);
  s.w0 = 0.5 * t * (t - 1.0);
  s.w1 = 1.0 - t * t;
  s.w2 = 0.5 * t * (t + 1.0);
  return s;
}

fn stencilWeight(s: Stencil, a: u32) -> vec3<f32> {
  if (a == 0u) { return s.w0; }
  if (a == 1u) { return s.w1; }
  return s.w2;
}
