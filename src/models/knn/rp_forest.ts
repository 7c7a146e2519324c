/**
 * Random-projection trees on the CPU (Dasgupta & Freund 2008; as used to seed NN-descent by
 * PyNNDescent and LargeVis): each node splits its points by the hyperplane halfway between two
 * random members, until leaves hold at most `leafSize` points. Leaf mates are the first candidate
 * neighbours of the approximate kNN graph; their distances are then evaluated on the GPU.
 */
export interface RpTree {
  /** Points in leaf order. */
  perm: Int32Array;
  /** For each point, the range [leafStart, leafEnd) of its leaf in `perm`. */
  leafStart: Int32Array;
  leafEnd: Int32Array;
}

export function buildRpTree(x: Float32Array, n: number, d: number, leafSize: number, rand: () => number): RpTree {
  const perm = Int32Array.from({ length: n }, (_, i) => i);
  const leafStart = new Int32Array(n);
  const leafEnd = new Int32Array(n);
  const side = new Uint8Array(n);
  const normal = new Float64Array(d);
  const scratch = new Int32Array(n);
  const stack: Array<[number, number]> = [[0, n]];
  while (stack.length) {
    const [s, e] = stack.pop()!;
    const size = e - s;
    if (size <= leafSize) {
      for (let t = s; t < e; t++) { leafStart[perm[t]] = s; leafEnd[perm[t]] = e; }
      continue;
    }
    const a = perm[s + Math.floor(rand() * size)];
    let b = perm[s + Math.floor(rand() * size)];
    for (let tries = 0; tries < 4 && b === a; tries++) b = perm[s + Math.floor(rand() * size)];
    let offset = 0;
    for (let c = 0; c < d; c++) {
      normal[c] = x[a * d + c] - x[b * d + c];
      offset += normal[c] * (x[a * d + c] + x[b * d + c]) * 0.5;
    }
    let left = 0;
    for (let t = s; t < e; t++) {
      const p = perm[t] * d;
      let proj = -offset;
      for (let c = 0; c < d; c++) proj += normal[c] * x[p + c];
      // Points on the plane (duplicates, a == b) go to a random side.
      side[t - s] = proj < 0 || (proj === 0 && rand() < 0.5) ? 1 : 0;
      left += side[t - s];
    }
    let mid: number;
    if (left === 0 || left === size) {
      mid = s + (size >> 1); // degenerate cut: split in half
    } else {
      // Stable partition by side via a scratch copy of the node.
      scratch.set(perm.subarray(s, e), s);
      let li = s;
      let ri = s + left;
      for (let t = 0; t < size; t++) { if (side[t]) perm[li++] = scratch[s + t]; else perm[ri++] = scratch[s + t]; }
      mid = s + left;
    }
    stack.push([s, mid], [mid, e]);
  }
  return { perm, leafStart, leafEnd };
}
