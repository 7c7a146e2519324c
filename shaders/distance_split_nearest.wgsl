// Splits the two nearest of each row, as the distance op lists them ([rows, 2] squared distances
// and indices), into a nearest-centre label, its squared distance and the second nearest's
// distance, at rows row0.. of the outputs (k-means assignment by the distance op).
struct Params { rows: u32, row0: u32, _p0: u32, _p1: u32 }

override WG: u32 = 64u;

@group(0) @binding(0) var<uniform> p: Params;
@group(0) @binding(1) var<storage, read> vals: array<vec2<f32>>;
@group(0) @binding(2) var<storage, read> idx: array<vec2<u32>>;
@group(0) @binding(3) var<storage, read_write> labels: array<u32>;
@group(0) @binding(4) var<storage, read_write> mind: array<f32>;
@group(0) @binding(5) var<storage, read_write> second: array<f32>;

@compute @workgroup_size(WG, 1, 1)
fn main(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>) {
  let r = gid.x + gid.y * nwg.x * WG;
  if (r >= p.rows) { return; }
  let v = vals[r];
  labels[p.row0 + r] = idx[r].x;
  mind[p.row0 + r] = v.x;
  second[p.row0 + r] = v.y;
}
