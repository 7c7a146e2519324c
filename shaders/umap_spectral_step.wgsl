// One step of the spectral initialisation's filtered subspace iteration:
//   out = alpha·(N·V) + beta·V + gamma·W,   N = D^(−1/2)·A·D^(−1/2),
// the normalised adjacency of the fuzzy graph A (CSR) with degrees D. Its top eigenvectors are the
// bottom ones of the normalised Laplacian I − N (umap-learn's `spectral_layout`). V, W, out are
// [n, block] row-major; W enters the three-term Chebyshev recurrence (Zhou & Saad 2007).
// One invocation per row; its loop runs degree·block iterations (the host checks the budget).
// Rows [rowStart, rowEnd) of this dispatch; `cols`/`weights` hold edges from edgeBase on (the
// host splits the edges into groups that each fit one storage binding).
struct Params { rowEnd: u32, block: u32, alpha: f32, beta: f32, gamma: f32, rowStart: u32, edgeBase: u32 }

override WG: u32 = 64u;

@group(0) @binding(0) var<uniform> p: Params;
@group(0) @binding(1) var<storage, read> rowPtr: array<u32>;
@group(0) @binding(2) var<storage, read> cols: array<u32>;
@group(0) @binding(3) var<storage, read> weights: array<f32>;
// 1/sqrt(degree) per point (0 for an isolated point).
@group(0) @binding(4) var<storage, read> dinv: array<f32>;
@group(0) @binding(5) var<storage, read> v: array<f32>;
@group(0) @binding(6) var<storage, read> w: array<f32>;
@group(0) @binding(7) var<storage, read_write> out: array<f32>;

const MAX_BLOCK: u32 = 32u;

@compute @workgroup_size(WG, 1, 1)
fn main(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>) {
  let i = p.rowStart + gid.x + gid.y * nwg.x * WG;
  if (i >= p.rowEnd) { return; }
  var acc: array<f32, MAX_BLOCK>;
  for (var c = 0u; c < p.block; c++) { acc[c] = 0.0; }
  for (var e = rowPtr[i] - p.edgeBase; e < rowPtr[i + 1u] - p.edgeBase; e++) {
    let j = cols[e];
    let s = weights[e] * dinv[j];
    for (var c = 0u; c < p.block; c++) { acc[c] += s * v[j * p.block + c]; }
  }
  let di = dinv[i];
  for (var c = 0u; c < p.block; c++) {
    let at = i * p.block + c;
    out[at] = p.alpha * di * acc[c] + p.beta * v[at] + p.gamma * w[at];
  }
}
