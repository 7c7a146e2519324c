// Exact t-SNE repulsion, one column tile per dispatch: for each row point i and the column points
// j in [start, start + count),
//   rep_i += Σ_j K_ij² · (y_i − y_j),   z_i += Σ_j K_ij,   K_ij = 1 / (1 + |y_i − y_j|²).
// Every lane of a workgroup reads the same y_j (a broadcast load), which is what makes this fast on
// SIMD CPUs. The host keeps `count` inside LOOP_BUDGET and accumulates across dispatches. When the
// rows are the columns (`selfTerm` = 1) the j = i term (K = 1, no force) is removed from z after
// the last tile by the host-side bookkeeping: z_i gets −1 on the first tile.
struct Params { n: u32, start: u32, count: u32, accumulate: u32, selfTerm: f32 }

override WG: u32 = 64u;
override DIMS: u32 = 2u;

@group(0) @binding(0) var<uniform> p: Params;
@group(0) @binding(1) var<storage, read> rows: array<f32>;
@group(0) @binding(2) var<storage, read> cols: array<f32>;
@group(0) @binding(3) var<storage, read_write> rep: array<f32>;
@group(0) @binding(4) var<storage, read_write> z: array<f32>;

@compute @workgroup_size(WG, 1, 1)
fn main(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>) {
  let i = gid.x + gid.y * nwg.x * WG;
  // Out-of-range lanes still run the loop (on a clamped row) so the whole workgroup's loads of y_j
  // stay uniform; they just do not write.
  let row = min(i, p.n - 1u);
  let b = row * DIMS;
  let yi = vec3<f32>(rows[b], rows[b + 1u], select(0.0, rows[b + 2u], DIMS == 3u));
  var force = vec3<f32>(0.0);
  var zsum = 0.0;
  let end = p.start + p.count;
  for (var j = p.start; j < end; j++) {
    let c = j * DIMS;
    let diff = yi - vec3<f32>(cols[c], cols[c + 1u], select(0.0, cols[c + 2u], DIMS == 3u));
    let k = 1.0 / (1.0 + dot(diff, diff));
    zsum += k;
    force += (k * k) * diff;
  }
  if (i >= p.n) { return; }
  if (p.accumulate != 0u) {
    force += vec3<f32>(rep[b], rep[b + 1u], select(0.0, rep[b + 2u], DIMS == 3u));
    zsum += z[i];
  } else {
    zsum -= p.selfTerm;
  }
  rep[b] = force.x;
  rep[b + 1u] = force.y;
  if (DIMS == 3u) { rep[b + 2u] = force.z; }
  z[i] = zsum;
}
