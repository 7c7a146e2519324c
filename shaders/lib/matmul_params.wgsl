// Shape and epilogue parameters shared by the matmul kernels (packed by src/kernels/matmul.ts).
// Element (m, k) of op(A) for batch b is a[a_off + b * a_bs + m * a_rs + k * a_cs]; likewise for B.
// Element (m, n) of C is c[c_off + b * c_bs + m * N + n].
// The offsets let the host split K into chunks (where the adapter has a loop budget) and fold M
// into several dispatches (past maxComputeWorkgroupsPerDimension workgroups).
struct MatmulParams {
  M: u32, N: u32, K: u32, batch: u32,
  a_rs: u32, a_cs: u32, a_bs: u32,
  b_rs: u32, b_cs: u32, b_bs: u32,
  c_bs: u32, act: u32, slope: f32, alpha: f32, beta: f32, has_bias: u32,
  a_off: u32, b_off: u32, c_off: u32,
}
