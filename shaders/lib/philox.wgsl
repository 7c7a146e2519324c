// Philox4x32-10 counter-based generator (Salmon et al., "Parallel random numbers: as easy as
// 1, 2, 3", SC 2011): every (counter, key) maps to four independent u32s, so each invocation draws
// its own numbers with no state and the result does not depend on the dispatch layout.

// High and low 32 bits of a 32×32-bit product (WGSL has no mulhi), from 16-bit halves.
fn philox_mulhilo(a: u32, b: u32) -> vec2<u32> {
  let a_lo = a & 0xffffu;
  let a_hi = a >> 16u;
  let b_lo = b & 0xffffu;
  let b_hi = b >> 16u;
  let ll = a_lo * b_lo;
  let lh = a_lo * b_hi;
  let hl = a_hi * b_lo;
  let mid = (ll >> 16u) + (lh & 0xffffu) + (hl & 0xffffu);
  let hi = a_hi * b_hi + (lh >> 16u) + (hl >> 16u) + (mid >> 16u);
  return vec2<u32>(hi, a * b);
}

fn philox4x32(counter: vec4<u32>, key: vec2<u32>) -> vec4<u32> {
  var c = counter;
  var k = key;
  for (var r = 0u; r < 10u; r++) {
    let p0 = philox_mulhilo(0xD2511F53u, c.x);
    let p1 = philox_mulhilo(0xCD9E8D57u, c.z);
    c = vec4<u32>(p1.x ^ c.y ^ k.x, p1.y, p0.x ^ c.w ^ k.y, p0.y);
    k = k + vec2<u32>(0x9E3779B9u, 0xBB67AE85u);
  }
  return c;
}

// A u32 to a float in (0, 1): the top 24 bits, centred in their interval, so log() is finite.
fn philox_unit(u: u32) -> f32 {
  return (f32(u >> 8u) + 0.5) * (1.0 / 16777216.0);
}

// Box–Muller: a standard normal from two uniforms.
fn box_muller(u1: f32, u2: f32) -> f32 {
  return sqrt(-2.0 * log(u1)) * cos(6.283185307179586 * u2);
}
