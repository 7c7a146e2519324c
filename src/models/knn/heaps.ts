/**
 * The running k nearest neighbours of every row, on the CPU: one max-heap per row keyed on
 * (squared distance, index), the worst kept pair at the root, so that a candidate is rejected by
 * one comparison with the row's threshold. The GPU evaluates distances and filters pairs against
 * these thresholds; the pairs it returns are merged here. Ties are broken by the lower index, so
 * the final lists equal a sort by (distance, index) and do not depend on the order of the merges.
 */
export const EMPTY = 0xffffffff;

/** Flags of an entry: joined already, not yet joined, or inserted during the current round. */
export const OLD = 0;
export const NEW = 1;
export const INSERTED = 2;

export class NeighbourHeaps {
  readonly dist: Float32Array;
  readonly idx: Uint32Array;
  readonly flag: Uint8Array;
  /** Each row's threshold, the distance at its root (+∞ while the row is not full), as f32 max. */
  readonly thr: Float32Array;

  constructor(readonly n: number, readonly k: number) {
    this.dist = new Float32Array(n * k).fill(Infinity);
    this.idx = new Uint32Array(n * k).fill(EMPTY);
    this.flag = new Uint8Array(n * k);
    this.thr = new Float32Array(n).fill(3.4028234663852886e38);
  }

  /**
   * Offers v at squared distance s to row u; returns 1 when it was taken. A point already listed is
   * not taken again (its distance is the same, computed from the same rows).
   */
  push(u: number, v: number, s: number): number {
    const { k, dist, idx, flag } = this;
    const base = u * k;
    const top = dist[base];
    if (s > top || (s === top && v >= idx[base])) return 0;
    for (let j = base, end = base + k; j < end; j++) if (idx[j] === v) return 0;
    let pos = 0;
    for (;;) {
      const l = 2 * pos + 1;
      if (l >= k) break;
      let m = l;
      const r = l + 1;
      if (r < k && (dist[base + r] > dist[base + l] || (dist[base + r] === dist[base + l] && idx[base + r] > idx[base + l]))) m = r;
      const dm = dist[base + m];
      if (dm < s || (dm === s && idx[base + m] < v)) break;
      dist[base + pos] = dm; idx[base + pos] = idx[base + m]; flag[base + pos] = flag[base + m];
      pos = m;
    }
    dist[base + pos] = s; idx[base + pos] = v; flag[base + pos] = INSERTED;
    const t = dist[base];
    this.thr[u] = t === Infinity ? 3.4028234663852886e38 : t;
    return 1;
  }

  /** Merges `count` records (a, b, f32 bits of their distance) into both rows; returns how many were taken. */
  merge(rec: Uint32Array, count: number): number {
    const f = new Float32Array(rec.buffer, rec.byteOffset, rec.length);
    let taken = 0;
    for (let r = 0; r < count; r++) {
      const a = rec[3 * r];
      const b = rec[3 * r + 1];
      const s = f[3 * r + 2];
      if (a === b) continue;
      taken += this.push(a, b, s) + this.push(b, a, s);
    }
    return taken;
  }

  /** Entries inserted since the last call, which become plain new entries; order-independent. */
  settleRound(): number {
    const flag = this.flag;
    let inserted = 0;
    for (let j = 0; j < flag.length; j++) if (flag[j] === INSERTED) { flag[j] = NEW; inserted++; }
    return inserted;
  }

  /** Rows with an empty slot. */
  unfilledRows(): number[] {
    const rows: number[] = [];
    for (let u = 0; u < this.n; u++) if (this.idx[u * this.k] === EMPTY) rows.push(u);
    return rows;
  }

  /** Heap-sorts every row ascending in place (the heaps are unusable afterwards). */
  sortRows(): void {
    const { n, k, dist, idx } = this;
    for (let u = 0; u < n; u++) {
      const base = u * k;
      for (let end = k - 1; end > 0; end--) {
        const dv = dist[base + end]; const iv = idx[base + end];
        dist[base + end] = dist[base]; idx[base + end] = idx[base];
        let pos = 0;
        for (;;) {
          const l = 2 * pos + 1;
          if (l >= end) break;
          let m = l;
          const r = l + 1;
          if (r < end && (dist[base + r] > dist[base + l] || (dist[base + r] === dist[base + l] && idx[base + r] > idx[base + l]))) m = r;
          const dm = dist[base + m];
          if (dm < dv || (dm === dv && idx[base + m] < iv)) break;
          dist[base + pos] = dm; idx[base + pos] = idx[base + m];
          pos = m;
        }
        dist[base + pos] = dv; idx[base + pos] = iv;
      }
    }
  }
}
