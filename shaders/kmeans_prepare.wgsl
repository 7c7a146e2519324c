// Prepares centroids [k, d] for kmeans_assign: a transposed, zero-padded copy centT [d4, kp]
// (d4 = d rounded up to a multiple of 4 like the padded rows of x; kp = k rounded up to a multiple
// of 4, so that four centroids' j-th values are one vec4) and the squared norms cnorm [kp].
// One invocation per (padded) centroid; tiny next to the assignment.
struct Params { k: u32, kp: u32, d: u32, d4: u32 }

override WG: u32 = 64u;

@group(0) @binding(0) var<uniform> p: Params;
@group(0) @binding(1) var<storage, read> cent: array<f32>;
@group(0) @binding(2) var<storage, read_write> cent_t: array<f32>;
@group(0) @binding(3) var<storage, read_write> cnorm: array<f32>;

@compute @workgroup_size(WG, 1, 1)
fn main(@builtin(global_invocation_id) gid: vec3<u32>) {
  let c = gid.x;
  if (c >= p.kp) { return; }
  var s = 0.0;
  for (var j = 0u; j < p.d4; j++) {
    let v = select(0.0, cent[min(c, p.k - 1u) * p.d + min(j, p.d - 1u)], c < p.k && j < p.d);
    cent_t[j * p.kp + c] = v;
    s = fma(v, v, s);
  }
  cnorm[c] = s;
}
