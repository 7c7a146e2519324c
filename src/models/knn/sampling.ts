import { EMPTY, OLD, type NeighbourHeaps } from './heaps.js';

/**
 * One NN-descent round's candidates (PyNNDescent's `new_build_candidates`): for every row u, at
 * most `mc` new and `mc` old points taken from u's list and from the rows that list u (the reverse
 * graph), each pair given a seeded random priority and the `mc` lowest kept. Priorities hash the
 * pair, the seed and the round, so the lists do not depend on the order of heap entries. Sampled
 * new entries of u's own list become old: every edge is joined once.
 */
export class CandidateLists {
  readonly newIdx: Uint32Array;
  readonly oldIdx: Uint32Array;
  readonly newCnt: Uint8Array;
  readonly oldCnt: Uint8Array;
  /** Priorities of the kept points, beside them (recomputing the hash in every sift costs more). */
  private readonly newPr: Uint32Array;
  private readonly oldPr: Uint32Array;
  private readonly stamp: Int32Array;
  private salt = 0;

  constructor(readonly n: number, readonly mc: number) {
    this.newIdx = new Uint32Array(n * mc); this.oldIdx = new Uint32Array(n * mc);
    this.newCnt = new Uint8Array(n); this.oldCnt = new Uint8Array(n);
    this.newPr = new Uint32Array(n * mc); this.oldPr = new Uint32Array(n * mc);
    this.stamp = new Int32Array(n).fill(-1);
  }

  /** Samples this round's lists from the heaps; returns how many rows have new candidates. */
  build(h: NeighbourHeaps, seed: number, round: number): number {
    const { n, mc, newIdx, oldIdx, newCnt, oldCnt, newPr, oldPr, stamp } = this;
    const k = h.k;
    this.salt = (Math.imul(seed ^ 0x5bd1e995, 0x9e3779b1) + Math.imul(round + 1, 0x85ebca6b)) >>> 0;
    newCnt.fill(0); oldCnt.fill(0);
    for (let u = 0; u < n; u++) {
      for (let j = u * k, end = u * k + k; j < end; j++) {
        const v = h.idx[j];
        if (v === EMPTY) continue;
        const key = this.priority(u, v);
        if (h.flag[j] === OLD) { offer(oldIdx, oldPr, oldCnt, mc, u, v, key); offer(oldIdx, oldPr, oldCnt, mc, v, u, key); }
        else { offer(newIdx, newPr, newCnt, mc, u, v, key); offer(newIdx, newPr, newCnt, mc, v, u, key); }
      }
    }
    let rows = 0;
    for (let u = 0; u < n; u++) {
      // Drop repeats (u→v and v→u both listed) and old points that are also new.
      const base = u * mc;
      let c = 0;
      for (let t = 0; t < newCnt[u]; t++) { const w = newIdx[base + t]; if (stamp[w] !== u) { stamp[w] = u; newIdx[base + c++] = w; } }
      newCnt[u] = c;
      if (c > 0) rows++;
      // Sampled new entries of u's own list are joined this round: they become old.
      for (let j = u * k, end = u * k + k; j < end; j++) {
        const v = h.idx[j];
        if (h.flag[j] !== OLD && v !== EMPTY && stamp[v] === u) h.flag[j] = OLD;
      }
      c = 0;
      for (let t = 0; t < oldCnt[u]; t++) { const w = oldIdx[base + t]; if (stamp[w] !== u) { stamp[w] = u; oldIdx[base + c++] = w; } }
      oldCnt[u] = c;
    }
    return rows;
  }

  /** A seeded hash of the unordered pair (u, v): the same priority from both ends. */
  private priority(u: number, v: number): number {
    let x = (Math.imul(u < v ? u : v, 0x9e3779b1) ^ (u < v ? v : u) ^ this.salt) >>> 0;
    x = Math.imul(x ^ (x >>> 16), 0x85ebca6b);
    x = Math.imul(x ^ (x >>> 13), 0xc2b2ae35);
    return (x ^ (x >>> 16)) >>> 0;
  }
}

/** Keeps the mc lowest (priority, point) of row u in a max-heap on priority. */
function offer(list: Uint32Array, pr: Uint32Array, cnt: Uint8Array, mc: number, u: number, v: number, key: number): void {
  const base = u * mc;
  const c = cnt[u];
  if (c < mc) {
    let pos = c;
    while (pos > 0) {
      const par = (pos - 1) >> 1;
      const kw = pr[base + par];
      if (kw > key || (kw === key && list[base + par] > v)) break;
      list[base + pos] = list[base + par]; pr[base + pos] = kw;
      pos = par;
    }
    list[base + pos] = v; pr[base + pos] = key;
    cnt[u] = c + 1;
    return;
  }
  const kr = pr[base];
  if (key > kr || (key === kr && v >= list[base])) return;
  let pos = 0;
  for (;;) {
    const l = 2 * pos + 1;
    if (l >= mc) break;
    let m = l;
    let km = pr[base + l];
    if (l + 1 < mc) {
      const k2 = pr[base + l + 1];
      if (k2 > km || (k2 === km && list[base + l + 1] > list[base + l])) { m = l + 1; km = k2; }
    }
    if (km < key || (km === key && list[base + m] < v)) break;
    list[base + pos] = list[base + m]; pr[base + pos] = km;
    pos = m;
  }
  list[base + pos] = v; pr[base + pos] = key;
}
