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

/**
 * Float64 direct DFT of the same grid at the listed elements only (grid element indices, pitch
 * layout): Σ over every input element of x·exp(∓2πi·Σ_a k_a t_a / L). For long lines, where the
 * whole separable DFT costs O(L^(dims+1)).
 */
export function refGridDftAt(x: ArrayLike<number>, l: number, dims: number, pitch: number, inverse: boolean, at: number[]): Map<number, [number, number]> {
  const sign = inverse ? 1 : -1;
  const coords = (e: number) => [e % pitch, Math.floor(e / pitch) % pitch, Math.floor(e / (pitch * pitch))];
  const inputs: Array<[number[], number, number]> = [];
  const size = pitch ** (dims - 1) * l;
  for (let e = 0; e < size; e++) {
    const t = coords(e);
    if (t[0] >= l || (x[2 * e] === 0 && x[2 * e + 1] === 0)) continue;
    inputs.push([t, x[2 * e], x[2 * e + 1]]);
  }
  const cos = Float64Array.from({ length: l }, (_, k) => Math.cos((2 * Math.PI * k) / l));
  const sin = Float64Array.from({ length: l }, (_, k) => sign * Math.sin((2 * Math.PI * k) / l));
  const out = new Map<number, [number, number]>();
  for (const e of at) {
    const k = coords(e);
    let re = 0;
    let im = 0;
    for (const [t, xr, xi] of inputs) {
      let phase = 0;
      for (let a = 0; a < dims; a++) phase += (k[a] * t[a]) % l;
      const c = cos[phase % l];
      const s = sin[phase % l];
      re += xr * c - xi * s;
      im += xr * s + xi * c;
    }
    out.set(e, [re, im]);
  }
  return out;
}
