/**
 * Float64 direct DFT of an L^dims complex grid stored with row pitch `pitch` (interleaved re, im),
 * axis by axis: X[k] = Σ_t x[t] exp(∓2πi·kt/L), unnormalised (− forward, + inverse).
 */
export function refGridDft(x: ArrayLike<number>, l: number, dims: number, pitch: number, inverse: boolean): Float64Array {
  let cur = Float64Array.from(x);
  const cos = new Float64Array(l);
  const sin = new Float64Array(l);
  for (let k = 0; k < l; k++) { cos[k] = Math.cos((2 * Math.PI * k) / l); sin[k] = (inverse ? 1 : -1) * Math.sin((2 * Math.PI * k) / l); }
  const strides = [1, pitch, pitch * pitch];
  for (let axis = 0; axis < dims; axis++) {
    const next = Float64Array.from(cur);
    const others = [0, 1, 2].filter((a) => a !== axis && a < dims);
    const e = others.map(() => l);
    const count = e.reduce((a, b) => a * b, 1);
    const s = strides[axis];
    for (let line = 0; line < count; line++) {
      let base = 0;
      let rest = line;
      for (let o = 0; o < others.length; o++) { base += (rest % l) * strides[others[o]]; rest = Math.floor(rest / l); }
      for (let k = 0; k < l; k++) {
        let re = 0;
        let im = 0;
        for (let t = 0; t < l; t++) {
          const w = (k * t) % l;
          const xr = cur[2 * (base + t * s)];
          const xi = cur[2 * (base + t * s) + 1];
          re += xr * cos[w] - xi * sin[w];
          im += xr * sin[w] + xi * cos[w];
        }
        next[2 * (base + k * s)] = re;
        next[2 * (base + k * s) + 1] = im;
      }
    }
    cur = next;
  }
  return cur;
}
