// One t-SNE gradient-descent step per coordinate, as in the reference implementations
// (van der Maaten's bhtsne, scikit-learn's `_gradient_descent`):
//   grad    = 4 · (exaggeration · attr − rep / Z)
//   gain    = gain + 0.2 if update·grad < 0 else gain · 0.8, at least minGain
//   update  = momentum · update − learningRate · gain · grad
//   y      += update
// Z is one scalar (fit) or one value per row (`transform`, where each new point is normalised
// against the fixed reference on its own).
struct Params { size: u32, exaggeration: f32, learningRate: f32, momentum: f32, minGain: f32, perRowZ: u32 }

override WG: u32 = 64u;
override DIMS: u32 = 2u;

@group(0) @binding(0) var<uniform> p: Params;
@group(0) @binding(1) var<storage, read> attr: array<f32>;
@group(0) @binding(2) var<storage, read> rep: array<f32>;
@group(0) @binding(3) var<storage, read> z: array<f32>;
@group(0) @binding(4) var<storage, read_write> y: array<f32>;
@group(0) @binding(5) var<storage, read_write> update: array<f32>;
@group(0) @binding(6) var<storage, read_write> gains: array<f32>;

@compute @workgroup_size(WG, 1, 1)
fn main(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>) {
  let i = gid.x + gid.y * nwg.x * WG;
  if (i >= p.size) { return; }
  let zi = select(z[0], z[i / DIMS], p.perRowZ != 0u);
  let grad = 4.0 * (p.exaggeration * attr[i] - rep[i] / max(zi, 1.0e-12));
  let u = update[i];
  var g = gains[i];
  g = select(g * 0.8, g + 0.2, u * grad < 0.0);
  g = max(g, p.minGain);
  let next = p.momentum * u - p.learningRate * g * grad;
  gains[i] = g;
  update[i] = next;
  y[i] = y[i] + next;
}
