// Per-row top-k of a [R, C] tile: the k smallest (LARGEST = false) or largest values with their
// column indices, sorted best first. With MERGE the lists already in (vals, idx) are kept and the
// tile's columns are numbered from col_offset, so a row's candidates can arrive in column chunks
// (kNN over N points without an N×N matrix). Rows listed in `skip_self` exclude one column
// (the point itself) when self_offset != 0xffffffff.
struct Params { R: u32, C: u32, k: u32, col_offset: u32, merge: u32, self_offset: u32, _p0: u32, _p1: u32 }

const MAX_K: u32 = 128u;
override WG: u32 = 64u;
override LARGEST: bool = false;

@group(0) @binding(0) var<uniform> p: Params;
@group(0) @binding(1) var<storage, read> x: array<f32>;
@group(0) @binding(2) var<storage, read_write> vals: array<f32>;
@group(0) @binding(3) var<storage, read_write> idx: array<u32>;

fn better(a: f32, b: f32) -> bool {
  if (LARGEST) { return a > b; }
  return a < b;
}

@compute @workgroup_size(WG, 1, 1)
fn main(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>) {
  let r = gid.x + gid.y * nwg.x * WG;
  if (r >= p.R) { return; }
  var bv: array<f32, MAX_K>;
  var bi: array<u32, MAX_K>;
  let worst_init = select(0x1.fffffep+127f, -0x1.fffffep+127f, LARGEST);
  var count = 0u;
  if (p.merge != 0u) {
    for (var j = 0u; j < p.k; j++) {
      bv[j] = vals[r * p.k + j];
      bi[j] = idx[r * p.k + j];
      if (bi[j] != 0xffffffffu) { count = j + 1u; }
    }
  }
  for (var j = count; j < p.k; j++) { bv[j] = worst_init; bi[j] = 0xffffffffu; }
  // The column of this row's own point inside the tile, when the tile is the point set itself.
  let self_col = select(0xffffffffu, r + p.self_offset - p.col_offset, p.self_offset != 0xffffffffu);
  for (var c = 0u; c < p.C; c++) {
    let v = x[r * p.C + c];
    if (c == self_col || !better(v, bv[p.k - 1u])) { continue; }
    // Insertion: shift worse entries down one place.
    var j = p.k - 1u;
    while (j > 0u && better(v, bv[j - 1u])) {
      bv[j] = bv[j - 1u];
      bi[j] = bi[j - 1u];
      j--;
    }
    bv[j] = v;
    bi[j] = c + p.col_offset;
  }
  for (var j = 0u; j < p.k; j++) {
    vals[r * p.k + j] = bv[j];
    idx[r * p.k + j] = bi[j];
  }
}
