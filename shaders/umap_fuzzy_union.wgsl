// The symmetric fuzzy graph of UMAP (McInnes, Healy & Melville 2018, §3.1): for each directed kNN
// edge i→j of membership a, with b the membership of j→i (0 when i is not among j's neighbours),
//   w = mix·(a + b − a·b) + (1 − mix)·a·b
// (mix 1: the fuzzy union; 0: the intersection). `reverse` says whether j→i exists, so that the
// host adds the edge to row j itself only when j's own list does not hold it.
// One invocation per directed edge; the loop runs k iterations.
struct Params { n: u32, k: u32, mix: f32 }

override WG: u32 = 64u;

@group(0) @binding(0) var<uniform> p: Params;
@group(0) @binding(1) var<storage, read> indices: array<u32>;
@group(0) @binding(2) var<storage, read> weight: array<f32>;
@group(0) @binding(3) var<storage, read_write> joint: array<f32>;
@group(0) @binding(4) var<storage, read_write> reversed: array<u32>;

@compute @workgroup_size(WG, 1, 1)
fn main(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>) {
  let e = gid.x + gid.y * nwg.x * WG;
  if (e >= p.n * p.k) { return; }
  let i = e / p.k;
  let j = indices[e];
  let a = weight[e];
  var b = 0.0;
  var found = 0u;
  if (j < p.n) {
    for (var t = 0u; t < p.k; t++) {
      if (indices[j * p.k + t] == i) { b = weight[j * p.k + t]; found = 1u; break; }
    }
  }
  joint[e] = p.mix * (a + b - a * b) + (1.0 - p.mix) * a * b;
  reversed[e] = found;
}
