// One optimiser step on a parameter tensor w [rows, cols] with gradient g, in place.
//   kind 0, Adam / AdamW (Kingma & Ba 2015; Loshchilov & Hutter, "Decoupled weight decay", 2019):
//     m ← β₁m + (1−β₁)g,  v ← β₂v + (1−β₂)g²,  w ← w − lr·(m·bc1 / (√(v·bc2) + ε) + wd·w)
//     with bc1 = 1/(1−β₁ᵗ), bc2 = 1/(1−β₂ᵗ) from the host, and wd the decoupled decay (AdamW).
//   kind 1, SGD with momentum: m ← μm + g,  w ← w − lr·m.
// l2 adds l2·w to g first (classic L2 regularisation). When write_t is set, wᵀ [cols, rows] is
// written too: the backward pass multiplies by Wᵀ and the fast matmul wants it row-major.
struct Params {
  n: u32, rows: u32, cols: u32, kind: u32,
  lr: f32, beta1: f32, beta2: f32, eps: f32,
  bc1: f32, bc2: f32, l2: f32, wd: f32,
  momentum: f32, write_t: u32,
}

override WG: u32 = 64u;

@group(0) @binding(0) var<uniform> p: Params;
@group(0) @binding(1) var<storage, read> g: array<f32>;
@group(0) @binding(2) var<storage, read_write> w: array<f32>;
@group(0) @binding(3) var<storage, read_write> m: array<f32>;
@group(0) @binding(4) var<storage, read_write> v: array<f32>;
@group(0) @binding(5) var<storage, read_write> wt: array<f32>;

@compute @workgroup_size(WG, 1, 1)
fn main(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>) {
  let i = gid.x + gid.y * nwg.x * WG;
  if (i >= p.n) { return; }
  var wi = w[i];
  let gi = g[i] + p.l2 * wi;
  if (p.kind == 0u) {
    let mi = p.beta1 * m[i] + (1.0 - p.beta1) * gi;
    let vi = p.beta2 * v[i] + (1.0 - p.beta2) * gi * gi;
    m[i] = mi;
    v[i] = vi;
    wi = wi - p.lr * (mi * p.bc1 / (sqrt(vi * p.bc2) + p.eps) + p.wd * wi);
  } else {
    let mi = p.momentum * m[i] + gi;
    m[i] = mi;
    wi = wi - p.lr * mi;
  }
  w[i] = wi;
  if (p.write_t != 0u) {
    let r = i / p.cols;
    let c = i - r * p.cols;
    wt[c * p.rows + r] = wi;
  }
}
