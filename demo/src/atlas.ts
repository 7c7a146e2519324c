// The picture atlas: the first images of a data set side by side in one greyscale texture, as many
// as fit in the adapter's largest 2-D texture, in rows of about √n images.

export interface Atlas { data: Uint8Array; width: number; height: number; cols: number; rows: number; count: number }

/** Packs images [n, h, w] (bytes) into an atlas at most `maxDim` texels on a side. */
export function packAtlas(images: { pixels: Uint8Array; width: number; height: number }, n: number, maxDim: number): Atlas {
  const { pixels, width: w, height: h } = images;
  const cols = Math.max(1, Math.min(Math.floor(maxDim / w), Math.ceil(Math.sqrt(n))));
  const rows = Math.max(1, Math.min(Math.floor(maxDim / h), Math.ceil(n / cols)));
  const count = Math.min(n, cols * rows);
  const W = cols * w, H = rows * h;
  const data = new Uint8Array(W * H);
  for (let i = 0; i < count; i++) {
    const [c, r] = [i % cols, Math.floor(i / cols)];
    for (let y = 0; y < h; y++) data.set(pixels.subarray((i * h + y) * w, (i * h + y + 1) * w), (r * h + y) * W + c * w);
  }
  return { data, width: W, height: H, cols, rows, count };
}
