// k-means update step, first half: per-cluster sums of x over blocks of rows, without atomics.
// Invocation (block, j) adds column j of the block's rows into a register per cluster; column
// j = d counts the rows instead (adds 1). Output: partial[block, c, j] for c in [kc0, kc0 + kn).
//
// Why per-block partial sums and not atomics: WGSL has no float atomics, and fixed-point integer
// atomics need a scale chosen from the data range (overflow or lost precision) and make every row
// contend for the same k·d addresses; they also sum in a nondeterministic order. Blocks of rows
// summed in registers are exact f32 sums in a fixed order (same seed → same result), and all
// lanes of a workgroup share the block and so the row's label: the label load is a broadcast and
// the register index is the same for every lane. `kmeans_finalize` adds the blocks.
struct Params { rows: u32, d: u32, k: u32, row0: u32, block_rows: u32, block0: u32, kc0: u32, kn: u32 }

const MAX_K: u32 = 64u;
override WG: u32 = 64u;

@group(0) @binding(0) var<uniform> p: Params;
@group(0) @binding(1) var<storage, read> x: array<f32>;
@group(0) @binding(2) var<storage, read> labels: array<u32>;
@group(0) @binding(3) var<storage, read_write> partial: array<f32>;

@compute @workgroup_size(WG, 1, 1)
fn main(@builtin(workgroup_id) wid: vec3<u32>, @builtin(local_invocation_id) lid: vec3<u32>) {
  let j = wid.x * WG + lid.x;
  if (j > p.d) { return; }
  let block = wid.y;
  let xj = min(j, p.d - 1u);
  let counting = j == p.d;
  var acc: array<f32, MAX_K>;
  for (var c = 0u; c < p.kn; c++) { acc[c] = 0.0; }
  let start = block * p.block_rows;
  let end = min(p.rows, start + p.block_rows);
  for (var i = start; i < end; i++) {
    let c = labels[p.row0 + i] - p.kc0;
    if (c < p.kn) {
      acc[c] += select(x[i * p.d + xj], 1.0, counting);
    }
  }
  let out = (p.block0 + block) * p.k * (p.d + 1u);
  for (var c = 0u; c < p.kn; c++) {
    partial[out + (p.kc0 + c) * (p.d + 1u) + j] = acc[c];
  }
}
