// In-place radix-2 complex FFT of grid lines along one axis, the GPU shape of tsne_fft.wgsl (same
// parameters and line numbering, see lib/tsne_fft_line.wgsl): a workgroup transforms `per` lines
// held in workgroup memory, its lanes sharing each butterfly stage (L/2 butterflies per line)
// with a barrier between stages, instead of one invocation per line.
// Loads and stores are coalesced: along the line when its elements are adjacent (stride 1), else
// across the workgroup's lines, whose starts are adjacent (the host numbers lines with the
// unit-stride axis first whenever the transformed axis is not that one).
// `per`: lines per workgroup, per·L ≤ CAP (a uniform, so that one pipeline serves every L).
struct Params { l: u32, logL: u32, stride: u32, lines: u32, inverse: u32, e1: u32, s1: u32, s2: u32, per: u32 }

/** Complex values of workgroup memory (16 KiB, the smallest limit WebGPU guarantees). */
const CAP: u32 = 2048u;
override WG: u32 = 256u;

@group(0) @binding(0) var<uniform> p: Params;
@group(0) @binding(1) var<storage, read> twiddle: array<vec2<f32>>;
@group(0) @binding(2) var<storage, read_write> data: array<vec2<f32>>;

var<workgroup> buf: array<vec2<f32>, CAP>;

fn cmul(a: vec2<f32>, b: vec2<f32>) -> vec2<f32> {
  return vec2<f32>(a.x * b.x - a.y * b.y, a.x * b.y + a.y * b.x);
}

/** Element e of the workgroup's p.per·L: (line within the group, position t on it). */
fn place(e: u32) -> vec2<u32> {
  if (p.stride == 1u) { return vec2<u32>(e / p.l, e % p.l); }
  return vec2<u32>(e % p.per, e / p.per);
}

fn line_base(line: u32) -> u32 {
  return (line % p.e1) * p.s1 + (line / p.e1) * p.s2;
}

@compute @workgroup_size(WG, 1, 1)
fn main(@builtin(workgroup_id) wid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>,
  @builtin(local_invocation_index) lid: u32) {
  let first = (wid.x + wid.y * nwg.x) * p.per;
  if (first >= p.lines) { return; }
  let n = p.per * p.l;
  for (var e = lid; e < n; e += WG) {
    let gt = place(e);
    let line = first + gt.x;
    if (line < p.lines) {
      buf[gt.x * p.l + (reverseBits(gt.y) >> (32u - p.logL))] = data[line_base(line) + gt.y * p.stride];
    }
  }
  workgroupBarrier();
  let half = p.l / 2u;
  let sign = select(1.0, -1.0, p.inverse != 0u);
  for (var stage = 1u; stage <= p.logL; stage++) {
    let span = 1u << (stage - 1u);
    let step = p.l >> stage;
    for (var q = lid; q < p.per * half; q += WG) {
      let k = q % half;
      let j = k % span;
      let a = (q / half) * p.l + (k / span) * (2u * span) + j;
      let b = a + span;
      let tw = twiddle[j * step];
      let t = cmul(vec2<f32>(tw.x, sign * tw.y), buf[b]);
      let xa = buf[a];
      buf[a] = xa + t;
      buf[b] = xa - t;
    }
    workgroupBarrier();
  }
  for (var e = lid; e < n; e += WG) {
    let gt = place(e);
    let line = first + gt.x;
    if (line < p.lines) { data[line_base(line) + gt.y * p.stride] = buf[gt.x * p.l + gt.y]; }
  }
}
