// The explorer's state in the page address, so a view can be shared and reloaded: data source,
// pipeline and parameters, camera, colouring, filter and selection. Pure functions over strings.

/** Ids as sorted ranges, "0-4,7,9-10": a lasso of neighbouring rows stays short. */
export function encodeIds(ids: Iterable<number>): string {
  const s = [...new Set(ids)].sort((a, b) => a - b);
  const parts: string[] = [];
  for (let i = 0; i < s.length;) {
    let j = i;
    while (j + 1 < s.length && s[j + 1] === s[j] + 1) j++;
    parts.push(j > i ? `${s[i]}-${s[j]}` : String(s[i]));
    i = j + 1;
  }
  return parts.join(',');
}

/** Inverse of `encodeIds`; ids at or past `n` and malformed parts are dropped. */
export function decodeIds(text: string, n: number): number[] {
  const out: number[] = [];
  for (const part of text.split(',')) {
    const m = /^(\d+)(?:-(\d+))?$/.exec(part.trim());
    if (!m) continue;
    const a = Number(m[1]);
    const b = Math.min(n - 1, m[2] === undefined ? a : Number(m[2]));
    for (let i = a; i <= b; i++) out.push(i);
  }
  return out;
}

export interface CameraState { position: [number, number, number]; target: [number, number, number] }

export function encodeCamera(c: CameraState): string {
  return [...c.position, ...c.target].map((v) => String(Number(v.toFixed(4)))).join(',');
}

export function decodeCamera(text: string): CameraState | null {
  const v = text.split(',').map(Number);
  if (v.length !== 6 || !v.every(Number.isFinite)) return null;
  return { position: [v[0], v[1], v[2]], target: [v[3], v[4], v[5]] };
}

/** Longest selection kept in the address; larger selections are left out rather than truncated. */
export const MAX_SELECTION_CHARS = 4000;

/**
 * The query string for a state given as key → value (empty values are left out), with the
 * selection added when it fits.
 */
export function stateQuery(values: Record<string, string | number | undefined>, selection: Iterable<number>): string {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(values)) if (v !== undefined && v !== '') q.set(k, String(v));
  const sel = encodeIds(selection);
  if (sel && sel.length <= MAX_SELECTION_CHARS) q.set('sel', sel);
  return q.toString();
}
