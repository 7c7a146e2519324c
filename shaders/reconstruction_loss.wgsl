// Per-row reconstruction loss of logits z against targets y, and optionally its gradient.
//   kind 0 (MSE):  ℓ = Σ_c (f(z) − y)²,                     ∂ℓ/∂z = 2 (f(z) − y) f'(z)
//   kind 1 (BCE):  ℓ = Σ_c max(z,0) − z·y + log(1+e^{−|z|}), ∂ℓ/∂z = σ(z) − y
// (BCE on logits in the form that cannot overflow). One workgroup per row; lanes stride the
// columns so loads are contiguous; the row sum is a tree in workgroup memory. The row loss,
// times loss_scale, goes to row_loss[row_offset + row]: no atomics, and the sum is deterministic.
// #include "lib/activations.wgsl"
struct Params {
  rows: u32, d: u32, kind: u32, act: u32,
  slope: f32, grad_scale: f32, loss_scale: f32, row_offset: u32,
  write_grad: u32,
}

override WG: u32 = 64u;

@group(0) @binding(0) var<uniform> p: Params;
@group(0) @binding(1) var<storage, read> z: array<f32>;
@group(0) @binding(2) var<storage, read> y: array<f32>;
@group(0) @binding(3) var<storage, read_write> grad: array<f32>;
@group(0) @binding(4) var<storage, read_write> row_loss: array<f32>;

var<workgroup> partial: array<f32, WG>;

@compute @workgroup_size(WG, 1, 1)
fn main(@builtin(workgroup_id) wid: vec3<u32>, @builtin(local_invocation_id) lid: vec3<u32>,
        @builtin(num_workgroups) nwg: vec3<u32>) {
  let row = wid.x + wid.y * nwg.x;
  let row_valid = row < p.rows;
  var acc = 0.0;
  if (row_valid) {
    let base = row * p.d;
    for (var c = lid.x; c < p.d; c += WG) {
      let zi = z[base + c];
      let yi = y[base + c];
      var l = 0.0;
      var g = 0.0;
      if (p.kind == 1u) {
        l = max(zi, 0.0) - zi * yi + log(1.0 + exp(-abs(zi)));
        g = sigmoid_f32(zi) - yi;
      } else {
        let a = activate(zi, p.act, p.slope);
        l = (a - yi) * (a - yi);
        g = 2.0 * (a - yi) * activate_grad(zi, a, p.act, p.slope);
      }
      acc += l;
      if (p.write_grad != 0u) { grad[base + c] = g * p.grad_scale; }
    }
  }
  partial[lid.x] = acc;
  workgroupBarrier();
  for (var s = WG / 2u; s > 0u; s >>= 1u) {
    if (lid.x < s) { partial[lid.x] += partial[lid.x + s]; }
    workgroupBarrier();
  }
  if (row_valid && lid.x == 0u) { row_loss[p.row_offset + row] = partial[0] * p.loss_scale; }
}
