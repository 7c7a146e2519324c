// Body of the workgroup-tiled matmul (the GPU shape), shared by matmul_tiled.wgsl (vec4 loads and
// stores) and matmul_tiled_scalar.wgsl (scalar ones, any shape). The including file defines
//   load_a(base, m, k) -> vec4: four elements of op(A) along A's fast axis from (m, k)
//                               (m..m+3 when a_trans(), else k..k+3), zero outside the matrix;
//   load_b(base, k, n) -> vec4: likewise along B's fast axis (k..k+3 when b_trans(), else n..n+3);
//   store_c(batch, m, n, v):    C[m, n..n+3] = epilogue(v), the columns past N dropped.
//
// A workgroup of TX × TY lanes computes a BM × BN tile of C (BM = TY·RM, BN = TX·RN), each lane an
// RM × RN register block. Per step of BK along K, the lanes copy the A and B tiles into workgroup
// memory in vec4 units taken along each operand's fast axis in memory (adjacent lanes read adjacent
// addresses whatever the transposes), stored K-major so that the inner loop reads a lane's RM rows
// and RN columns as vec4s. An element loaded from memory then feeds BN (A) or BM (B) FMAs of the
// workgroup: BM·BN/(BM + BN) FMAs per element loaded, against 1/2 without tiles.

override TX: u32 = 16u;  // lanes along N
override TY: u32 = 16u;  // lanes along M
override RM: u32 = 4u;   // rows of C per lane: 4 or 8
override RN: u32 = 4u;   // columns of C per lane: 4 or 8
override BK: u32 = 16u;  // K per workgroup-memory step, a multiple of 4

// Which axis is fast in memory comes from the strides: a uniform branch in the tile copies only, so
// one pipeline serves the four layouts.
fn a_trans() -> bool { return p.a_cs != 1u; }
fn b_trans() -> bool { return p.b_cs != 1u; }

// K-major tiles: a_tile[k * BM/4 + m/4][m % 4] is op(A)[m0 + m, k0 + k]; b_tile likewise by n.
var<workgroup> a_tile: array<vec4<f32>, BK * TY * RM / 4u>;
var<workgroup> b_tile: array<vec4<f32>, BK * TX * RN / 4u>;

@compute @workgroup_size(TX, TY, 1)
fn main(@builtin(workgroup_id) wid: vec3<u32>, @builtin(local_invocation_id) lid: vec3<u32>,
        @builtin(local_invocation_index) li: u32) {
  let bm4 = TY * RM / 4u;
  let bn4 = TX * RN / 4u;
  let bk4 = BK / 4u;
  let rm4 = RM / 4u;
  let rn4 = RN / 4u;
  let lanes = TX * TY;
  let m0 = wid.y * TY * RM;
  let n0 = wid.x * TX * RN;
  let batch = wid.z;
  let a_base = p.a_off + batch * p.a_bs;
  let b_base = p.b_off + batch * p.b_bs;
  // acc[i * rn4 + j] holds row lid.y·RM + i, columns lid.x·RN + 4j .. +3 (RM·RN ≤ 64).
  var acc: array<vec4<f32>, 16>;
  for (var k0 = 0u; k0 < p.K; k0 += BK) {
    for (var u = li; u < bm4 * BK; u += lanes) {
      if (a_trans()) {
        let k = u / bm4;
        let m4 = u % bm4;
        a_tile[k * bm4 + m4] = load_a(a_base, m0 + 4u * m4, k0 + k);
      } else {
        let m = u / bk4;
        let k = 4u * (u % bk4);
        let v = load_a(a_base, m0 + m, k0 + k);
        for (var c = 0u; c < 4u; c++) { a_tile[(k + c) * bm4 + m / 4u][m % 4u] = v[c]; }
      }
    }
    for (var u = li; u < bn4 * BK; u += lanes) {
      if (b_trans()) {
        let n = u / bk4;
        let k = 4u * (u % bk4);
        let v = load_b(b_base, k0 + k, n0 + n);
        for (var c = 0u; c < 4u; c++) { b_tile[(k + c) * bn4 + n / 4u][n % 4u] = v[c]; }
      } else {
        let k = u / bn4;
        let n4 = u % bn4;
        b_tile[k * bn4 + n4] = load_b(b_base, k0 + k, n0 + 4u * n4);
      }
    }
    workgroupBarrier();
    for (var k = 0u; k < BK; k++) {
      var av: array<vec4<f32>, 2>;
      var bv: array<vec4<f32>, 2>;
      for (var q = 0u; q < rm4; q++) { av[q] = a_tile[k * bm4 + lid.y * rm4 + q]; }
      for (var q = 0u; q < rn4; q++) { bv[q] = b_tile[k * bn4 + lid.x * rn4 + q]; }
      for (var i = 0u; i < RM; i++) {
        let a = vec4<f32>(av[i / 4u][i % 4u]);
        for (var j = 0u; j < rn4; j++) { acc[i * rn4 + j] = fma(a, bv[j], acc[i * rn4 + j]); }
      }
    }
    workgroupBarrier();
  }
  for (var i = 0u; i < RM; i++) {
    for (var j = 0u; j < rn4; j++) {
      store_c(batch, m0 + lid.y * RM + i, n0 + lid.x * RN + 4u * j, acc[i * rn4 + j]);
    }
  }
}
