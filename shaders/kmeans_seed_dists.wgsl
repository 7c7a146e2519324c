// k-means++ seeding: for candidate centres [q0, q0 + nq), the squared distance of every row to the
// candidate, capped by the row's current distance to the chosen centres:
// out[q, g] = min(current[g], ‖x_g − cand_q‖²). Summing a row of `out` gives the potential the
// candidate would leave (Arthur & Vassilvitskii 2007, greedy trials as in scikit-learn).
// Differences rather than the ‖x‖² + ‖c‖² − 2x·c expansion: a point's distance to itself must be 0
// exactly, or a chosen centre could be drawn again. The host keeps d·nq inside LOOP_BUDGET.
struct Params { rows: u32, d: u32, row0: u32, n: u32, q0: u32, nq: u32, _p0: u32, _p1: u32 }

override WG: u32 = 64u;

@group(0) @binding(0) var<uniform> p: Params;
@group(0) @binding(1) var<storage, read> x: array<f32>;
@group(0) @binding(2) var<storage, read> cand: array<f32>;
@group(0) @binding(3) var<storage, read> current: array<f32>;
@group(0) @binding(4) var<storage, read_write> out: array<f32>;

@compute @workgroup_size(WG, 1, 1)
fn main(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>) {
  let r = gid.x + gid.y * nwg.x * WG;
  if (r >= p.rows) { return; }
  let g = p.row0 + r;
  let cur = current[g];
  for (var q = p.q0; q < p.q0 + p.nq; q++) {
    var s = 0.0;
    for (var j = 0u; j < p.d; j++) {
      let diff = x[r * p.d + j] - cand[q * p.d + j];
      s = fma(diff, diff, s);
    }
    out[q * p.n + g] = min(cur, s);
  }
}
