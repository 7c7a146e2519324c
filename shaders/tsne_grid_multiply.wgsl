// Field repulsion, step 4: pointwise products of the density spectrum with the two packed kernel
// spectra, written over the kernel spectra (which the inverse FFT then turns into the fields).
struct Params { size: u32 }

override WG: u32 = 64u;

@group(0) @binding(0) var<uniform> p: Params;
@group(0) @binding(1) var<storage, read> dens: array<vec2<f32>>;
@group(0) @binding(2) var<storage, read_write> kerA: array<vec2<f32>>;
@group(0) @binding(3) var<storage, read_write> kerB: array<vec2<f32>>;

fn cmul(a: vec2<f32>, b: vec2<f32>) -> vec2<f32> {
  return vec2<f32>(a.x * b.x - a.y * b.y, a.x * b.y + a.y * b.x);
}

@compute @workgroup_size(WG, 1, 1)
fn main(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>) {
  let e = gid.x + gid.y * nwg.x * WG;
  if (e >= p.size) { return; }
  let d = dens[e];
  kerA[e] = cmul(d, kerA[e]);
  kerB[e] = cmul(d, kerB[e]);
}
