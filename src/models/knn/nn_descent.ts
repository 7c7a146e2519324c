/**
 * Candidate lists of NN-descent (Dong, Moses & Li 2011) built on the CPU from the current graph;
 * their distances are evaluated and merged on the GPU. The join runs from each point u's side:
 * u's candidates are the neighbours (forward and reverse, sampled to `s` each) of u's neighbours,
 * where at least one of the two edges is new since the last round, which is NN-descent's
 * incremental search. Sampled new entries become old, so every edge is joined once.
 */
export class NnDescentState {
  /** Whether each entry of `lists` [n, k] is new (not yet joined). */
  readonly fresh: Uint8Array;
  private fwdNew: Int32Array; private fwdOld: Int32Array; private revNew: Int32Array; private revOld: Int32Array;
  private cntFN: Uint16Array; private cntFO: Uint16Array; private cntRN: Uint16Array; private cntRO: Uint16Array;
  private readonly stamp: Int32Array;

  constructor(readonly n: number, readonly k: number, readonly s: number, public lists: Uint32Array) {
    this.fresh = new Uint8Array(n * k).fill(1);
    const cap = n * s;
    this.fwdNew = new Int32Array(cap); this.fwdOld = new Int32Array(cap); this.revNew = new Int32Array(cap); this.revOld = new Int32Array(cap);
    this.cntFN = new Uint16Array(n); this.cntFO = new Uint16Array(n); this.cntRN = new Uint16Array(n); this.cntRO = new Uint16Array(n);
    this.stamp = new Int32Array(n).fill(-1);
  }

  /** Samples this round's forward and reverse neighbour sets; returns how many new entries were taken. */
  sample(rand: () => number): number {
    const { n, k, s, lists, fresh } = this;
    this.cntFN.fill(0); this.cntFO.fill(0); this.cntRN.fill(0); this.cntRO.fill(0);
    const seenRN = new Uint32Array(n);
    const seenRO = new Uint32Array(n);
    let taken = 0;
    for (let u = 0; u < n; u++) {
      for (let j = 0; j < k; j++) {
        const v = lists[u * k + j];
        if (v === 0xffffffff) continue;
        if (fresh[u * k + j]) {
          if (this.cntFN[u] >= s) continue;
          this.fwdNew[u * s + this.cntFN[u]++] = v;
          fresh[u * k + j] = 0;
          taken++;
          reservoir(this.revNew, this.cntRN, seenRN, v, u, s, rand);
        } else if (this.cntFO[u] < s) {
          this.fwdOld[u * s + this.cntFO[u]++] = v;
          reservoir(this.revOld, this.cntRO, seenRO, v, u, s, rand);
        }
      }
    }
    return taken;
  }

  /** Writes up to `m` candidates for each of rows [u0, u0 + rows) into out [rows, m] (EMPTY-padded). */
  candidates(u0: number, rows: number, m: number, out: Uint32Array): void {
    out.fill(0xffffffff);
    const { k, s, lists } = this;
    for (let r = 0; r < rows; r++) {
      const u = u0 + r;
      const stamp = this.stamp;
      stamp[u] = u;
      for (let j = 0; j < k; j++) { const v = lists[u * k + j]; if (v !== 0xffffffff) stamp[v] = u; }
      let c = 0;
      const add = (arr: Int32Array, cnt: Uint16Array, v: number) => {
        for (let t = 0; t < cnt[v] && c < m; t++) {
          const w = arr[v * s + t];
          if (stamp[w] !== u) { stamp[w] = u; out[r * m + c++] = w; }
        }
      };
      const visit = (arr: Int32Array, cnt: Uint16Array, isNew: boolean) => {
        for (let t = 0; t < cnt[u]; t++) {
          const v = arr[u * s + t];
          add(this.fwdNew, this.cntFN, v); add(this.revNew, this.cntRN, v);
          if (isNew) { add(this.fwdOld, this.cntFO, v); add(this.revOld, this.cntRO, v); }
        }
      };
      visit(this.fwdNew, this.cntFN, true);
      visit(this.revNew, this.cntRN, true);
      visit(this.fwdOld, this.cntFO, false);
      visit(this.revOld, this.cntRO, false);
    }
  }

  /** Takes the merged lists: entries not listed before are new. Returns the number of such updates. */
  update(next: Uint32Array): number {
    const { n, k, lists, fresh } = this;
    const nextFresh = new Uint8Array(n * k);
    const prevFlag = new Uint8Array(n);
    const stamp = this.stamp;
    let updates = 0;
    for (let u = 0; u < n; u++) {
      for (let j = 0; j < k; j++) { const v = lists[u * k + j]; if (v !== 0xffffffff) { stamp[v] = -2 - u; prevFlag[v] = fresh[u * k + j]; } }
      for (let j = 0; j < k; j++) {
        const v = next[u * k + j];
        if (v === 0xffffffff) continue;
        if (stamp[v] === -2 - u) nextFresh[u * k + j] = prevFlag[v];
        else { nextFresh[u * k + j] = 1; updates++; }
      }
    }
    this.lists = next;
    this.fresh.set(nextFresh);
    return updates;
  }
}

/** Adds u to v's reverse list of capacity s, keeping a uniform sample once full. */
function reservoir(arr: Int32Array, cnt: Uint16Array, seen: Uint32Array, v: number, u: number, s: number, rand: () => number): void {
  seen[v]++;
  if (cnt[v] < s) { arr[v * s + cnt[v]++] = u; return; }
  const slot = Math.floor(rand() * seen[v]);
  if (slot < s) arr[v * s + slot] = u;
}
