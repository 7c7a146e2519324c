// VAE sampling layer (Kingma & Welling, "Auto-encoding variational Bayes", ICLR 2014).
// h [rows, 2L] holds the encoder's mean (first L columns) and log-variance (last L) per row;
// z = μ + exp(½ log σ²) ⊙ ε with ε ~ N(0, I) from Philox + Box–Muller (ε = 0 when sample = 0,
// which gives the mean). ε is kept for the backward pass. Per row it also writes
// KL(q ‖ N(0, I)) = ½ Σ_j (μ² + σ² − 1 − log σ²), times kl_scale, at kl[row_offset + row].
// #include "lib/philox.wgsl"
struct Params {
  rows: u32, latent: u32, seed: u32, step: u32,
  sample: u32, row_offset: u32, kl_scale: f32,
}

override WG: u32 = 64u;

@group(0) @binding(0) var<uniform> p: Params;
@group(0) @binding(1) var<storage, read> h: array<f32>;
@group(0) @binding(2) var<storage, read_write> z: array<f32>;
@group(0) @binding(3) var<storage, read_write> eps: array<f32>;
@group(0) @binding(4) var<storage, read_write> kl: array<f32>;

@compute @workgroup_size(WG, 1, 1)
fn main(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>) {
  let row = gid.x + gid.y * nwg.x * WG;
  if (row >= p.rows) { return; }
  let L = p.latent;
  var acc = 0.0;
  for (var j = 0u; j < L; j++) {
    let mu = h[row * 2u * L + j];
    let lv = h[row * 2u * L + L + j];
    var e = 0.0;
    if (p.sample != 0u) {
      let r = philox4x32(vec4<u32>(row, j, p.step, 1u), vec2<u32>(p.seed, 0xAE5Eu));
      e = box_muller(philox_unit(r.x), philox_unit(r.y));
    }
    let sd = exp(0.5 * lv);
    z[row * L + j] = mu + sd * e;
    eps[row * L + j] = e;
    acc += mu * mu + sd * sd - 1.0 - lv;
  }
  kl[p.row_offset + row] = 0.5 * acc * p.kl_scale;
}
