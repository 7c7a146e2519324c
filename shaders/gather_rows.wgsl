// out[r, :] = x[idx[idx_start + r] - chunk_start, :] for the rows whose index falls in the bound
// chunk of x [chunk_start, chunk_start + chunk_rows). Data larger than one storage binding is
// gathered by one dispatch per chunk; each output row is written by exactly one of them.
struct Params {
  rows: u32, d: u32, idx_start: u32, chunk_start: u32,
  chunk_rows: u32,
}

override WG: u32 = 64u;

@group(0) @binding(0) var<uniform> p: Params;
@group(0) @binding(1) var<storage, read> x: array<f32>;
@group(0) @binding(2) var<storage, read> idx: array<u32>;
@group(0) @binding(3) var<storage, read_write> out: array<f32>;

@compute @workgroup_size(WG, 1, 1)
fn main(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>) {
  let i = gid.x + gid.y * nwg.x * WG;
  if (i >= p.rows * p.d) { return; }
  let r = i / p.d;
  let c = i - r * p.d;
  let src = idx[p.idx_start + r];
  if (src < p.chunk_start || src - p.chunk_start >= p.chunk_rows) { return; }
  out[i] = x[(src - p.chunk_start) * p.d + c];
}
