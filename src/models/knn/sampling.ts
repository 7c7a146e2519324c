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
  private readonly stamp: Int32Array;
  private salt = 0;

  constructor(readonly n: number, readonly mc: number) {
    this.newIdx = new Uint32Array(n * mc); this.oldIdx = new Uint32Array(n * mc);
    this.newCnt = new Uint8Array(n); this.oldCnt = new Uint8Array(n);
    this.stamp = new Int32Array(n).fill(-1);
  }

  /** Samples this round's lists from the heaps; returns how many rows have new candidates. */
  build(h: NeighbourHeaps, seed: number, round: number): number {
    const { n, mc, newIdx, oldIdx, newCnt, oldCnt, stamp } = this;
    const k = h.k;
    this.salt = (Math.imul(seed ^ 0x5bd1e995, 0x9e3779b1) + Math.imul(round + 1, 0x85ebca6b)) >>> 0;
    newCnt.fill(0); oldCnt.fill(0);
    for (let u = 0; u < n; u++) {
      for (let j = u * k, end = u * k + k; j < end; j++) {
        const v = h.idx[j];
        if (v === EMPTY) continue;
        const key = this.priority(u, v);
        if (h.flag[j] === OLD) { this.offer(oldIdx, oldCnt, u, v, key); this.offer(oldIdx, oldCnt, v, u, key); }
        else { this.offer(newIdx, newCnt, u, v, key); this.offer(newIdx, newCnt, v, u, key); }
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

  /** Keeps the mc lowest (priority, point) of row u in a max-heap on priority. */
  private offer(list: Uint32Array, cnt: Uint8Array, u: number, v: number, key: number): void {
    const mc = this.mc;
    const base = u * mc;
    const c = cnt[u];
    if (c < mc) {
      let pos = c;
      while (pos > 0) {
        const par = (pos - 1) >> 1;
        const w = list[base + par];
        const kw = this.priority(u, w);
        if (kw > key || (kw === key && w > v)) break;
        list[base + pos] = w;
        pos = par;
      }
      list[base + pos] = v;
      cnt[u] = c + 1;
      return;
    }
    const root = list[base];
    const kr = this.priority(u, root);
    if (key > kr || (key === kr && v >= root)) return;
    let pos = 0;
    for (;;) {
      const l = 2 * pos + 1;
      if (l >= mc) break;
      let m = l;
      let km = this.priority(u, list[base + l]);
      if (l + 1 < mc) {
        const kr2 = this.priority(u, list[base + l + 1]);
        if (kr2 > km || (kr2 === km && list[base + l + 1] > list[base + l])) { m = l + 1; km = kr2; }
      }
      const w = list[base + m];
      if (km < key || (km === key && w < v)) break;
      list[base + pos] = w;
      pos = m;
    }
    list[base + pos] = v;
  }
}
