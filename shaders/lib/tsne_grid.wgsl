// The interpolation grid of the field repulsion: M nodes per dimension at spacing h from an origin,
// held in a small `grid` buffer (origin.xyz, h) that the host sets at each grid layout from the
// points' bounding box plus a margin for growth. Cubic Lagrange interpolation on the 4 nodes
// around each point per axis (error O(h⁴); Linderman et al. 2019 interpolate with Lagrange
// polynomials on equispaced nodes too). Points outside the grid are clamped onto its border.
const STENCIL: u32 = 4u;

// First node of the stencil per axis, and the 4 weights per axis.
struct Stencil { node: vec3<i32>, w: array<vec3<f32>, 4> }

fn stencil(y: vec3<f32>, lo: vec3<f32>, h: f32, m: u32) -> Stencil {
  let u = clamp((y - lo) / h, vec3<f32>(1.0), vec3<f32>(f32(m) - 2.001));
  let f = floor(u);
  let t = u - f;
  var s: Stencil;
  s.node = vec3<i32>(f) - vec3<i32>(1);
  let tm1 = t - 1.0;
  let tm2 = t - 2.0;
  let tp1 = t + 1.0;
  s.w[0] = -t * tm1 * tm2 / 6.0;
  s.w[1] = tp1 * tm1 * tm2 / 2.0;
  s.w[2] = -tp1 * t * tm2 / 2.0;
  s.w[3] = tp1 * t * tm1 / 6.0;
  return s;
}
