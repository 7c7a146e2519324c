// Shared body of tsne_fft.wgsl and tsne_fft_long.wgsl, which differ only in LMAX, the longest
// line their private buffer holds (a function-scope array size must be a constant).
//
// In-place radix-2 complex FFT of every line of a DIMS-dimensional L^DIMS grid along one axis
// (Cooley–Tukey, iterative, decimation in time). One invocation per line: a bit-reversal pass,
// then log2(L) butterfly stages, L + L/2·log2(L) loop iterations (6,144 for L = 1024), far inside
// LOOP_BUDGET. `stride` is the axis' element stride (1, L or L²). The lines are those whose two
// other coordinates are below (e1, ·) with strides (s1, s2): line ℓ starts at
// (ℓ mod e1)·s1 + ⌊ℓ / e1⌋·s2. The host passes smaller extents to skip lines it knows to be zero
// (forward transform of zero-padded data) or not needed (inverse transform read on a sub-block).
// Rows are stored with a pitch of L + 1 elements (planes (L + 1)²): with a power-of-two pitch, the
// lanes of a workgroup, each on its own line, would hit the same cache sets (measured on llvmpipe:
// 14× slower at L = 512 than at L = 256 per element). Twiddles exp(−2πik/L) come from a table; `inverse` conjugates them (the 1/L^DIMS
// normalisation is left to the consumer).
struct Params { l: u32, logL: u32, stride: u32, lines: u32, inverse: u32, e1: u32, s1: u32, s2: u32 }

override WG: u32 = 64u;

@group(0) @binding(0) var<uniform> p: Params;
@group(0) @binding(1) var<storage, read> twiddle: array<vec2<f32>>;
@group(0) @binding(2) var<storage, read_write> data: array<vec2<f32>>;

fn cmul(a: vec2<f32>, b: vec2<f32>) -> vec2<f32> {
  return vec2<f32>(a.x * b.x - a.y * b.y, a.x * b.y + a.y * b.x);
}


@compute @workgroup_size(WG, 1, 1)
fn main(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>) {
  let line = gid.x + gid.y * nwg.x * WG;
  if (line >= p.lines) { return; }
  let base = (line % p.e1) * p.s1 + (line / p.e1) * p.s2;
  let s = p.stride;
  // The line goes through a private buffer: one gather per element in and out, while every
  // butterfly index below is the same for all lanes (uniform), which SIMD CPUs do without gathers.
  var buf: array<vec2<f32>, LMAX>;
  for (var t = 0u; t < p.l; t++) {
    buf[reverseBits(t) >> (32u - p.logL)] = data[base + t * s];
  }
  let half = p.l / 2u;
  let sign = select(1.0, -1.0, p.inverse != 0u);
  for (var stage = 1u; stage <= p.logL; stage++) {
    let span = 1u << (stage - 1u);
    let step = p.l >> stage;
    for (var k = 0u; k < half; k++) {
      let j = k % span;
      let a = (k / span) * (2u * span) + j;
      let b = a + span;
      let tw = twiddle[j * step];
      let w = vec2<f32>(tw.x, sign * tw.y);
      let xa = buf[a];
      let t = cmul(w, buf[b]);
      buf[a] = xa + t;
      buf[b] = xa - t;
    }
  }
  for (var t = 0u; t < p.l; t++) { data[base + t * s] = buf[t]; }
}
