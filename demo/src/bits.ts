/** Ids of the set bits of packed flags (bit i % 32 of word i / 32), ascending. */
export function idsFromBits(words: Uint32Array): number[] {
  const ids: number[] = [];
  for (let w = 0; w < words.length; w++) {
    let b = words[w];
    while (b) {
      ids.push(w * 32 + 31 - Math.clz32(b & -b)); // lowest set bit
      b &= b - 1;
    }
  }
  return ids;
}
