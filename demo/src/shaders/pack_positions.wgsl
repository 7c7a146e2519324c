// Copies an embedding [n, dims] (dims 1..3) into the vec4 layout three.js draws from, centred and
// scaled into [-1, 1] by the embedding's own bounds (min/max tensors computed on the GPU), so the
// view stays fitted while t-SNE expands without reading anything back.
struct Params { n: u32, dims: u32, flat: u32, pad: u32 }
@group(0) @binding(0) var<uniform> p: Params;
@group(0) @binding(1) var<storage, read> src: array<f32>;
@group(0) @binding(2) var<storage, read> lo: array<f32>;
@group(0) @binding(3) var<storage, read> hi: array<f32>;
@group(0) @binding(4) var<storage, read_write> dst: array<vec4<f32>>;

override WG: u32 = 64;

@compute @workgroup_size(WG)
fn main(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>) {
  let i = gid.x + gid.y * nwg.x * WG;
  if (i >= p.n) { return; }
  var extent = 1e-12;
  for (var c = 0u; c < p.dims; c++) { extent = max(extent, hi[c] - lo[c]); }
  let s = 2.0 / extent;
  var v = vec3<f32>(0.0);
  for (var c = 0u; c < min(p.dims, 3u); c++) {
    v[c] = (src[i * p.dims + c] - 0.5 * (lo[c] + hi[c])) * s;
  }
  if (p.flat == 1u) { v.z = 0.0; }
  dst[i] = vec4<f32>(v, 1.0);
}
