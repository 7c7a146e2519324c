// k-means update step, first half, in the GPU shape (kmeans_partial_sums.wgsl is the CPU one):
// the same output, partial [blocks, k, d4 + 4] per-block cluster sums and counts, without a
// private array indexed by label. A workgroup owns one (column group, row block, cluster): its
// lanes are CW columns (vec4s; the column w4 counts rows) × RL = WG / CW row lanes; each lane adds
// the rows of its stride in the block whose label is the workgroup's cluster (the label test is
// the same for a whole row of lanes), then a tree in workgroup memory adds the RL row lanes.
// Loads are coalesced along the columns. The order of additions is fixed: same input, same result.
struct Params { rows: u32, d4: u32, k: u32, row0: u32, block_rows: u32, block0: u32, _p0: u32, _p1: u32 }

override WG: u32 = 256u;
/** Columns (vec4) per workgroup, a power of two dividing WG. */
override CW: u32 = 16u;
const MAX_WG: u32 = 256u;

@group(0) @binding(0) var<uniform> p: Params;
@group(0) @binding(1) var<storage, read> x: array<vec4<f32>>;
@group(0) @binding(2) var<storage, read> labels: array<u32>;
@group(0) @binding(3) var<storage, read_write> partial: array<vec4<f32>>;

var<workgroup> sh: array<vec4<f32>, MAX_WG>;

@compute @workgroup_size(WG, 1, 1)
fn main(@builtin(workgroup_id) wid: vec3<u32>, @builtin(local_invocation_index) lid: u32) {
  let RL = WG / CW;
  let w4 = p.d4 / 4u;
  let jl = lid % CW;
  let rl = lid / CW;
  let j = wid.x * CW + jl;
  let block = wid.y;
  let c = wid.z;
  let counting = j == w4;
  let xj = min(j, w4 - 1u);
  var acc = vec4<f32>(0.0);
  if (j <= w4) {
    let end = min(p.rows, (block + 1u) * p.block_rows);
    for (var i = block * p.block_rows + rl; i < end; i += RL) {
      if (labels[p.row0 + i] == c) { acc += select(x[i * w4 + xj], vec4<f32>(1.0, 0.0, 0.0, 0.0), counting); }
    }
  }
  sh[lid] = acc;
  workgroupBarrier();
  for (var h = RL / 2u; h > 0u; h >>= 1u) {
    if (rl < h) { sh[lid] += sh[lid + h * CW]; }
    workgroupBarrier();
  }
  if (rl == 0u && j <= w4) { partial[((p.block0 + block) * p.k + c) * (w4 + 1u) + j] = sh[lid]; }
}
