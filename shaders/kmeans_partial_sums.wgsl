// k-means update step, first half: per-cluster sums of x over blocks of rows, without atomics.
// Invocation (block, j4) adds columns 4·j4..4·j4+3 of the block's rows (x padded to d4 columns,
// read as vec4) into a register per cluster; the extra invocation j4 = d4/4 counts the rows
// instead. Output: partial [blocks, k, d4 + 4] for clusters [kc0, kc0 + kn), the count in the
// first of the last four columns.
//
// Why per-block partial sums and not atomics: WGSL has no float atomics, and fixed-point integer
// atomics need a scale chosen from the data range (overflow or lost precision), make every row
// contend for the same k·d addresses and sum in a nondeterministic order. Blocks of rows summed in
// registers are plain f32 sums in a fixed order (same seed → same result). All lanes of a
// workgroup share the block and so each row's label: the label load is one broadcast and the
// register index is the same for every lane. `kmeans_finalize` adds the blocks.
struct Params { rows: u32, d4: u32, k: u32, row0: u32, block_rows: u32, block0: u32, kc0: u32, kn: u32 }

const MAX_K: u32 = 64u;
override WG: u32 = 64u;

@group(0) @binding(0) var<uniform> p: Params;
@group(0) @binding(1) var<storage, read> x: array<vec4<f32>>;
@group(0) @binding(2) var<storage, read> labels: array<u32>;
@group(0) @binding(3) var<storage, read_write> partial: array<vec4<f32>>;

@compute @workgroup_size(WG, 1, 1)
fn main(@builtin(workgroup_id) wid: vec3<u32>, @builtin(local_invocation_id) lid: vec3<u32>) {
  let w4 = p.d4 / 4u;
  // Lanes past the count column redo it and do not write: no early return, which would make
  // llvmpipe load the (uniform) labels per lane.
  let j_id = wid.x * WG + lid.x;
  let j = min(j_id, w4);
  let block = wid.y;
  let xj = min(j, w4 - 1u);
  let counting = j == w4;
  var acc: array<vec4<f32>, MAX_K>;
  for (var c = 0u; c < p.kn; c++) { acc[c] = vec4<f32>(0.0); }
  let start = block * p.block_rows;
  let end = min(p.rows, start + p.block_rows);
  for (var i = start; i < end; i++) {
    let c = labels[p.row0 + i] - p.kc0;
    if (c < p.kn) {
      acc[c] += select(x[i * w4 + xj], vec4<f32>(1.0, 0.0, 0.0, 0.0), counting);
    }
  }
  if (j_id <= w4) {
    let out = (p.block0 + block) * p.k * (w4 + 1u);
    for (var c = 0u; c < p.kn; c++) {
      partial[out + (p.kc0 + c) * (w4 + 1u) + j] = acc[c];
    }
  }
}
