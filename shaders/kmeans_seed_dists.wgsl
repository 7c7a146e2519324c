// k-means++ seeding: for candidate centres, the squared distance of every row to the candidate,
// capped by the row's current distance to the chosen centres:
// out[q, g] = min(current[g], ‖x_g − cand_q‖²), and the distance itself in raw[q, g]. Summing a
// row of `out` gives the potential the candidate would leave (Arthur & Vassilvitskii 2007, greedy
// trials as in scikit-learn); the chosen candidate's raw row gives every row's distance to the new
// centre (the first assignment and Elkan's bounds come out of the seeding).
// Differences rather than the ‖x‖² + ‖c‖² − 2x·c expansion: a point's distance to itself must be 0
// exactly, or a chosen centre could be drawn again.
// Layout as in kmeans_assign: x rows padded to d4 and read as vec4s, two rows per invocation, and
// candidates transposed (cand_t [d4, tp], tp a multiple of 4) so that four candidates' j-th values
// are one broadcast vec4. Candidates [4·t0, 4·t0 + 4·nt) in this dispatch; the host keeps
// nt · 1.25 · d4 inside LOOP_BUDGET.
struct Params { rows: u32, d4: u32, row0: u32, n: u32, t0: u32, nt: u32, tp4: u32, nq: u32 }

override WG: u32 = 64u;

@group(0) @binding(0) var<uniform> p: Params;
@group(0) @binding(1) var<storage, read> x: array<vec4<f32>>;
@group(0) @binding(2) var<storage, read> cand_t: array<vec4<f32>>;
@group(0) @binding(3) var<storage, read> current: array<f32>;
@group(0) @binding(4) var<storage, read_write> out: array<f32>;
@group(0) @binding(5) var<storage, read_write> raw: array<f32>;

fn emit(r_id: u32, acc: vec4<f32>, t: u32) {
  if (r_id >= p.rows) { return; }
  let g = p.row0 + r_id;
  let cur = current[g];
  for (var e = 0u; e < 4u; e++) {
    let q = t * 4u + e;
    if (q < p.nq) {
      out[q * p.n + g] = min(cur, acc[e]);
      raw[q * p.n + g] = acc[e];
    }
  }
}

@compute @workgroup_size(WG, 1, 1)
fn main(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>) {
  // No early return (see kmeans_assign): lanes past the end redo the last row and do not write.
  let id = gid.x + gid.y * nwg.x * WG;
  let r0 = min(2u * id, p.rows - 1u);
  let r1 = min(2u * id + 1u, p.rows - 1u);
  let w4 = p.d4 / 4u;
  for (var t = p.t0; t < p.t0 + p.nt; t++) {
    var a = vec4<f32>(0.0);
    var b = vec4<f32>(0.0);
    for (var j4 = 0u; j4 < w4; j4++) {
      let xq = x[r0 * w4 + j4];
      let yq = x[r1 * w4 + j4];
      for (var e = 0u; e < 4u; e++) {
        let cv = cand_t[(j4 * 4u + e) * p.tp4 + t];
        let da = vec4<f32>(xq[e]) - cv;
        let db = vec4<f32>(yq[e]) - cv;
        a = fma(da, da, a);
        b = fma(db, db, b);
      }
    }
    emit(2u * id, a, t);
    emit(2u * id + 1u, b, t);
  }
}
