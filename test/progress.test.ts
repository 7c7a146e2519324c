import { describe, expect, it } from 'vitest';
import { Reporter } from '../src/cli/progress.js';

/** A Reporter with a hand-moved clock that keeps its JSON events. */
function reporter() {
  let now = 0;
  const lines: string[] = [];
  const r = new Reporter({ json: true, now: () => now, stream: { write: (s: string) => { lines.push(s); return true; }, isTTY: false } as never });
  return { r, advance: (ms: number) => { now += ms; }, events: () => lines.map((l) => JSON.parse(l)) };
}

describe('Reporter progress events', () => {
  it('estimates the time left from the rate since the first update, so setup does not inflate the ETA', async () => {
    const { r, advance, events } = reporter();
    await r.stage('tsne', async (p) => {
      advance(6000); // 6 s of setup before the first iteration
      p.update(10, 1000);
      for (let i = 20; i <= 1000; i += 10) { advance(100); p.update(i, 1000); }
    });
    const progress = events().filter((e) => e.event === 'progress');
    // Each 10 iterations take 0.1 s: at iteration 500 there are 50 steps (5 s) left.
    const mid = progress.find((e) => e.value >= 500)!;
    expect(mid.eta_s).toBeCloseTo(((1000 - mid.value) / 10) * 0.1, 5);
    expect(progress[progress.length - 1]).toMatchObject({ value: 1000, total: 1000, eta_s: 0 });
    expect(events().find((e) => e.event === 'stage')).toMatchObject({ stage: 'tsne', seconds: 15.9 });
  });

  it('gives no ETA until the work has moved', async () => {
    const { r, advance, events } = reporter();
    await r.stage('knn', async (p) => {
      p.update(0, 10);
      advance(1000);
      p.update(0, 10);
    });
    expect(events().filter((e) => e.event === 'progress').every((e) => e.eta_s === undefined)).toBe(true);
  });
});
