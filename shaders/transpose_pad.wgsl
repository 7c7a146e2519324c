// Writes a block of x [rows, cols] transposed into xT, whose rows have stride `ld` (≥ the number
// of points, padded so that every row of xT starts at a bindable offset):
//   xT[k - k0][col0 + r] = x[r][k]   for k in [k0, k0 + kc), r in [0, rows).
// The host binds a row chunk of x and a row block of xT, so data larger than one storage binding
// (70k × 784 f32) is transposed block by block. One invocation per element, no loops.
struct Params { rows: u32, cols: u32, k0: u32, kc: u32, ld: u32, col0: u32, _p0: u32, _p1: u32 }

override WG: u32 = 64u;

@group(0) @binding(0) var<uniform> p: Params;
@group(0) @binding(1) var<storage, read> x: array<f32>;
@group(0) @binding(2) var<storage, read_write> xt: array<f32>;

@compute @workgroup_size(WG, 1, 1)
fn main(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>) {
  let i = gid.x + gid.y * nwg.x * WG;
  if (i >= p.rows * p.kc) { return; }
  // Consecutive lanes take consecutive points, so the writes along a row of xT are contiguous.
  let k = i / p.rows;
  let r = i % p.rows;
  xt[k * p.ld + p.col0 + r] = x[r * p.cols + p.k0 + k];
}
