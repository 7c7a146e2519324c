// FFT of grid lines of 257..512 points (tsne_fft.wgsl holds up to 256). A buffer of 1024 overflows
// llvmpipe's per-invocation stack, so 512 is the longest line.
const LMAX: u32 = 512u;
// #include "lib/tsne_fft_line.wgsl"
