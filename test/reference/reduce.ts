/** Float64 reference of a reduction of a row-major [R, C] matrix over one axis (0: per column, 1: per row). */
export function refReduce(x: ArrayLike<number>, R: number, C: number, axis: 0 | 1, op: 'sum' | 'sumsq' | 'sumabs' | 'max' | 'min'): Float64Array {
  const outputs = axis === 0 ? C : R;
  const length = axis === 0 ? R : C;
  const out = new Float64Array(outputs);
  for (let o = 0; o < outputs; o++) {
    let acc = op === 'max' ? -Infinity : op === 'min' ? Infinity : 0;
    for (let i = 0; i < length; i++) {
      const v = axis === 0 ? x[i * C + o] : x[o * C + i];
      if (op === 'max') acc = Math.max(acc, v);
      else if (op === 'min') acc = Math.min(acc, v);
      else acc += op === 'sumsq' ? v * v : op === 'sumabs' ? Math.abs(v) : v;
    }
    out[o] = acc;
  }
  return out;
}

/** Σ|term| per output, the scale against which a float32 sum's rounding is judged. */
export function refAbsSum(x: ArrayLike<number>, R: number, C: number, axis: 0 | 1, squared: boolean): Float64Array {
  const out = new Float64Array(axis === 0 ? C : R);
  for (let r = 0; r < R; r++) for (let c = 0; c < C; c++) out[axis === 0 ? c : r] += squared ? x[r * C + c] ** 2 : Math.abs(x[r * C + c]);
  return out;
}
