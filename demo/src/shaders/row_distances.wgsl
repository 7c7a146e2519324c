// Squared Euclidean distance from one row (the query) of x [n, d] to every row, for the click
// neighbours when no kNN model is available; the top k are then taken on the GPU.
struct Params { n: u32, d: u32, query: u32, pad: u32 }
@group(0) @binding(0) var<uniform> p: Params;
@group(0) @binding(1) var<storage, read> x: array<f32>;
@group(0) @binding(2) var<storage, read_write> dist: array<f32>;

override WG: u32 = 64;

@compute @workgroup_size(WG)
fn main(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>) {
  let i = gid.x + gid.y * nwg.x * WG;
  if (i >= p.n) { return; }
  var s = 0.0;
  for (var c = 0u; c < p.d; c++) {
    let t = x[i * p.d + c] - x[p.query * p.d + c];
    s += t * t;
  }
  dist[i] = select(s, 3.0e38, i == p.query);
}
