// Field repulsion, step 4: pointwise products of the density spectrum with the two packed kernel
// spectra (kept for the next iterations), written to the field buffers for the inverse FFT.
struct Params { size: u32 }

override WG: u32 = 64u;

@group(0) @binding(0) var<uniform> p: Params;
@group(0) @binding(1) var<storage, read> dens: array<vec2<f32>>;
@group(0) @binding(2) var<storage, read> kerA: array<vec2<f32>>;
@group(0) @binding(3) var<storage, read> kerB: array<vec2<f32>>;
@group(0) @binding(4) var<storage, read_write> fieldA: array<vec2<f32>>;
@group(0) @binding(5) var<storage, read_write> fieldB: array<vec2<f32>>;

fn cmul(a: vec2<f32>, b: vec2<f32>) -> vec2<f32> {
  return vec2<f32>(a.x * b.x - a.y * b.y, a.x * b.y + a.y * b.x);
}

@compute @workgroup_size(WG, 1, 1)
fn main(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>) {
  let e = gid.x + gid.y * nwg.x * WG;
  if (e >= p.size) { return; }
  let d = dens[e];
  fieldA[e] = cmul(d, kerA[e]);
  fieldB[e] = cmul(d, kerB[e]);
}
