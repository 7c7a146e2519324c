// perm[i] = π(i) for i < n: a seeded bijection of [0, n) built from a balanced Feistel network on
// 2·HALF bits with cycle walking (Black & Rogaway, "Ciphers with arbitrary finite domains", 2002).
// Each index is computed on its own, so a shuffle costs one dispatch and no sort.
struct Params {
  n: u32, half_bits: u32, seed: u32, epoch: u32,
}

override WG: u32 = 64u;
const ROUNDS: u32 = 4u;
// Cycle walking needs < 4 steps on average (the domain is < 4n); this bound is never reached in
// practice and keeps the loop inside llvmpipe's iteration limit.
const MAX_WALK: u32 = 4096u;

@group(0) @binding(0) var<uniform> p: Params;
@group(0) @binding(1) var<storage, read_write> perm: array<u32>;

// PCG-style integer hash (Jarzynski & Olano, "Hash functions for GPU rendering", JCGT 2020).
fn pcg_hash(v: u32) -> u32 {
  let state = v * 747796405u + 2891336453u;
  let word = ((state >> ((state >> 28u) + 4u)) ^ state) * 277803737u;
  return (word >> 22u) ^ word;
}

fn encrypt(x: u32) -> u32 {
  let mask = (1u << p.half_bits) - 1u;
  var left = x >> p.half_bits;
  var right = x & mask;
  for (var r = 0u; r < ROUNDS; r++) {
    let f = pcg_hash(right ^ pcg_hash(p.seed ^ pcg_hash(p.epoch * ROUNDS + r))) & mask;
    let next = left ^ f;
    left = right;
    right = next;
  }
  return (left << p.half_bits) | right;
}

@compute @workgroup_size(WG, 1, 1)
fn main(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>) {
  let i = gid.x + gid.y * nwg.x * WG;
  if (i >= p.n) { return; }
  var x = encrypt(i);
  for (var s = 0u; s < MAX_WALK && x >= p.n; s++) { x = encrypt(x); }
  perm[i] = x;
}
