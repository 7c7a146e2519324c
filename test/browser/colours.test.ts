// Per-point colours the explorer uploads: alpha carries hidden (0), normal (1), highlighted (2).
import { describe, expect, it } from 'vitest';
import { classColour, pointColours, rampColour } from '../../demo/src/colours.js';

describe('point colours', () => {
  it('colours by category, hides hidden classes and highlights selected ids while dimming the rest', () => {
    const categories = Uint32Array.from([0, 1, 2, 1]);
    const c = pointColours({ n: 4, categories, hidden: new Set([2]), highlighted: new Set([1]) });
    expect(Array.from(c.subarray(4, 8))).toEqual([...classColour(1), 2].map((v) => Math.fround(v)));
    expect(c[2 * 4 + 3]).toBe(0);
    expect(c[3]).toBe(1);
    classColour(0).forEach((v, i) => expect(c[i]).toBeCloseTo(v * 0.35, 6));
  });
  it('maps values onto the ramp between their 1st and 99th percentiles', () => {
    const values = Float32Array.from({ length: 101 }, (_, i) => i);
    const c = pointColours({ n: 101, values, hidden: new Set([0]), highlighted: new Set() });
    expect(Array.from(c.subarray(0, 3)).map((v) => +v.toFixed(5))).toEqual(rampColour(0).map((v) => +Math.fround(v).toFixed(5)));
    expect(Array.from(c.subarray(100 * 4, 100 * 4 + 3)).map((v) => +v.toFixed(5))).toEqual(rampColour(1).map((v) => +Math.fround(v).toFixed(5)));
    expect(c[3]).toBe(1); // hidden classes do not apply to values
  });
});
