// Attractive t-SNE forces over the sparse symmetric P (CSR): for each point i,
//   attr_i = Σ_j p_ij · K_ij · (y_i − y_j),  K_ij = 1 / (1 + |y_i − y_j|²),
// and, when WITH_KL, the row's part of KL(P‖Q) without its log Z term: Σ_j p_ij·log(p_ij / K_ij).
// Rows (the `rows` set) and columns (the `cols` set) are separate bindings so that `transform`
// can attract new points to a fixed reference embedding. A row's edges are visited in windows
// [edgeStart, edgeStart + edgeCount) per dispatch so that hubs of any degree stay inside LOOP_BUDGET;
// `accumulate` adds to what the outputs already hold.
struct Params { n: u32, edgeStart: u32, edgeCount: u32, accumulate: u32 }

override WG: u32 = 64u;
override DIMS: u32 = 2u;
override WITH_KL: u32 = 0u;

@group(0) @binding(0) var<uniform> p: Params;
@group(0) @binding(1) var<storage, read> rowPtr: array<u32>;
@group(0) @binding(2) var<storage, read> colIdx: array<u32>;
@group(0) @binding(3) var<storage, read> val: array<f32>;
@group(0) @binding(4) var<storage, read> rows: array<f32>;
@group(0) @binding(5) var<storage, read> cols: array<f32>;
@group(0) @binding(6) var<storage, read_write> attr: array<f32>;
@group(0) @binding(7) var<storage, read_write> klRow: array<f32>;

fn load(buf: u32, i: u32) -> vec3<f32> {
  let b = i * DIMS;
  if (buf == 0u) {
    return vec3<f32>(rows[b], rows[b + 1u], select(0.0, rows[b + 2u], DIMS == 3u));
  }
  return vec3<f32>(cols[b], cols[b + 1u], select(0.0, cols[b + 2u], DIMS == 3u));
}

@compute @workgroup_size(WG, 1, 1)
fn main(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>) {
  let i = gid.x + gid.y * nwg.x * WG;
  if (i >= p.n) { return; }
  let yi = load(0u, i);
  let rowEnd = rowPtr[i + 1u];
  let first = min(rowPtr[i] + p.edgeStart, rowEnd);
  let last = min(first + p.edgeCount, rowEnd);
  var force = vec3<f32>(0.0);
  var kl = 0.0;
  for (var e = first; e < last; e++) {
    let diff = yi - load(1u, colIdx[e]);
    let k = 1.0 / (1.0 + dot(diff, diff));
    let pij = val[e];
    force += (pij * k) * diff;
    if (WITH_KL == 1u && pij > 0.0) { kl += pij * log(pij / k); }
  }
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
