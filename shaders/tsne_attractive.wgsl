// Attractive t-SNE forces over the sparse symmetric P: for each point i,
//   attr_i = Σ_j p_ij · K_ij · (y_i − y_j),  K_ij = 1 / (1 + |y_i − y_j|²),
// and, when WITH_KL, the row's part of KL(P‖Q) without its log Z term: Σ_j p_ij·log(p_ij / K_ij).
// P is stored as SELL-C-σ (Kreutzer, Hager, Wellein, Fehske & Bishop 2014): rows sorted by
// degree, cut into chunks of WG rows, each chunk stored column-major and padded to its longest row
// (padding: p = 0 pointing at the row itself). One workgroup per chunk: every lane runs the same
// number of iterations and lane-consecutive addresses, where CSR had lanes waiting on their
// neighbours' longer rows. Rows (`rows`) and columns (`cols`) are separate bindings so that
// `transform` can attract new points to a fixed reference embedding. A chunk's columns are visited
// in windows [tStart, tStart + tCount) per dispatch to stay inside LOOP_BUDGET; `accumulate` adds
// to what the outputs already hold. The chunks' entries are split into groups, each its own
// binding (one dispatch per group, chunks [chunkStart, chunkEnd); `chunks` gives offsets in the group).
struct Params { n: u32, tStart: u32, tCount: u32, accumulate: u32, chunkStart: u32, chunkEnd: u32 }

override WG: u32 = 64u;
override DIMS: u32 = 2u;
override WITH_KL: u32 = 0u;

@group(0) @binding(0) var<uniform> p: Params;
// Row handled by each slot (sorted by degree); slots past n repeat the last row and do not write.
@group(0) @binding(1) var<storage, read> perm: array<u32>;
// Per chunk: first element, width.
@group(0) @binding(2) var<storage, read> chunks: array<vec2<u32>>;
@group(0) @binding(3) var<storage, read> colIdx: array<u32>;
@group(0) @binding(4) var<storage, read> val: array<f32>;
@group(0) @binding(5) var<storage, read> rows: array<f32>;
@group(0) @binding(6) var<storage, read> cols: array<f32>;
@group(0) @binding(7) var<storage, read_write> attr: array<f32>;
@group(0) @binding(8) var<storage, read_write> klRow: array<f32>;

fn load(buf: u32, i: u32) -> vec3<f32> {
  let b = i * DIMS;
  if (buf == 0u) {
    return vec3<f32>(rows[b], rows[b + 1u], select(0.0, rows[b + 2u], DIMS == 3u));
  }
  return vec3<f32>(cols[b], cols[b + 1u], select(0.0, cols[b + 2u], DIMS == 3u));
}

@compute @workgroup_size(WG, 1, 1)
fn main(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>,
        @builtin(local_invocation_index) lane: u32) {
  let slot = p.chunkStart * WG + gid.x + gid.y * nwg.x * WG;
  let chunk = slot / WG;
  // Workgroups past the group (a 2-D grid's padding) would otherwise write the next group's rows.
  if (chunk >= p.chunkEnd) { return; }
  let info = chunks[chunk];
  let i = perm[slot];
  let yi = load(0u, i);
  let first = info.x + lane;
  let last = min(info.y, p.tStart + p.tCount);
  var force = vec3<f32>(0.0);
  var kl = 0.0;
  for (var t = p.tStart; t < last; t++) {
    let e = first + t * WG;
    let diff = yi - load(1u, colIdx[e]);
    let k = 1.0 / (1.0 + dot(diff, diff));
    let pij = val[e];
    force += (pij * k) * diff;
    if (WITH_KL == 1u && pij > 0.0) { kl += pij * log(pij / k); }
  }
  if (slot >= p.n) { return; }
  let b = i * DIMS;
  if (p.accumulate != 0u) {
    force += vec3<f32>(attr[b], attr[b + 1u], select(0.0, attr[b + 2u], DIMS == 3u));
    kl += klRow[i];
  }
  attr[b] = force.x;
  attr[b + 1u] = force.y;
  if (DIMS == 3u) { attr[b + 2u] = force.z; }
  if (WITH_KL == 1u) { klRow[i] = kl; }
}
