// A per-invocation max-heap of (distance, index) pairs: the running k nearest neighbours of one row,
// shared by the kNN merge kernels. The worst kept pair sits at the root, so a candidate is tested
// against hv[0] and, when better, replaces it with at most log2(k) + 1 sift steps.
const MAX_K: u32 = 128u;
const EMPTY: u32 = 0xffffffffu;
const WORST: f32 = 0x1.fffffep+127f;

var<private> hv: array<f32, MAX_K>;
var<private> hi: array<u32, MAX_K>;

// Ties are broken by the lower index, so the lists equal a sort by (distance, index).
fn worse(av: f32, ai: u32, bv: f32, bi: u32) -> bool {
  return av > bv || (av == bv && ai > bi);
}

// Places (v, g) at the root's hole and sifts it down within heap[0, n).
fn sift_down(v: f32, g: u32, n: u32) {
  var pos = 0u;
  loop {
    let l = 2u * pos + 1u;
    if (l >= n) { break; }
    var m = l;
    if (l + 1u < n && worse(hv[l + 1u], hi[l + 1u], hv[l], hi[l])) { m = l + 1u; }
    if (!worse(hv[m], hi[m], v, g)) { break; }
    hv[pos] = hv[m];
    hi[pos] = hi[m];
    pos = m;
  }
  hv[pos] = v;
  hi[pos] = g;
}

// Heap-sorts heap[0, n) in place into ascending (distance, index) order.
fn heap_sort_ascending(n: u32) {
  for (var end = n - 1u; end > 0u; end--) {
    let tv = hv[end];
    let ti = hi[end];
    hv[end] = hv[0];
    hi[end] = hi[0];
    sift_down(tv, ti, end);
  }
}
