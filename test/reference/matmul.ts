/** Float64 reference of the fused batched matmul. Operands are given as stored (before transposes). */
export interface RefMatmul {
  a: ArrayLike<number>; b: ArrayLike<number>;
  M: number; N: number; K: number;
  batchA: number; batchB: number;
  transA?: boolean; transB?: boolean;
  bias?: ArrayLike<number>; act?: (x: number) => number;
  alpha?: number; beta?: number; c?: ArrayLike<number>;
}

export function refMatmul(o: RefMatmul): Float64Array {
  const batch = Math.max(o.batchA, o.batchB);
  const { M, N, K } = o;
  const out = new Float64Array(batch * M * N);
  const alpha = o.alpha ?? 1;
  const beta = o.beta ?? 0;
  for (let bt = 0; bt < batch; bt++) {
    const ab = o.batchA === 1 ? 0 : bt * M * K;
    const bb = o.batchB === 1 ? 0 : bt * K * N;
    for (let m = 0; m < M; m++) {
      for (let n = 0; n < N; n++) {
        let s = 0;
        for (let k = 0; k < K; k++) {
          const av = o.transA ? o.a[ab + k * M + m] : o.a[ab + m * K + k];
          const bv = o.transB ? o.b[bb + n * K + k] : o.b[bb + k * N + n];
          s += av * bv;
        }
        const idx = bt * M * N + m * N + n;
        let v = alpha * s + (beta !== 0 ? beta * o.c![idx] : 0) + (o.bias ? o.bias[n] : 0);
        if (o.act) v = o.act(v);
        out[idx] = v;
      }
    }
  }
  return out;
}
