// FFT of grid lines up to 256 points (longer lines: tsne_fft_long.wgsl). WGSL zero-fills the
// private line buffer on every invocation, so each variant's buffer fits its lines.
const LMAX: u32 = 256u;
// #include "lib/tsne_fft_line.wgsl"
