// Gradient of (reconstruction + β·KL)·scale with respect to the encoder output h = [μ | log σ²],
// given dz (the reconstruction gradient at z, already scaled) and the ε of the forward pass:
//   ∂/∂μ     = dz + β·scale·μ
//   ∂/∂logσ² = dz·ε·½σ + β·scale·½(σ² − 1)
struct Params {
  rows: u32, latent: u32, kl_grad_scale: f32,
}

override WG: u32 = 64u;

@group(0) @binding(0) var<uniform> p: Params;
@group(0) @binding(1) var<storage, read> dz: array<f32>;
@group(0) @binding(2) var<storage, read> h: array<f32>;
@group(0) @binding(3) var<storage, read> eps: array<f32>;
@group(0) @binding(4) var<storage, read_write> dh: array<f32>;

@compute @workgroup_size(WG, 1, 1)
fn main(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>) {
  let i = gid.x + gid.y * nwg.x * WG;
  if (i >= p.rows * p.latent) { return; }
  let L = p.latent;
  let row = i / L;
  let j = i - row * L;
  let mu = h[row * 2u * L + j];
  let lv = h[row * 2u * L + L + j];
  let sd = exp(0.5 * lv);
  let g = dz[i];
  dh[row * 2u * L + j] = g + p.kl_grad_scale * mu;
  dh[row * 2u * L + L + j] = g * eps[i] * 0.5 * sd + p.kl_grad_scale * 0.5 * (sd * sd - 1.0);
}
