import { describe, expect, it } from 'vitest';
import { createRefreshGate } from '../../../src/core/commands/refresh-gate.ts';

const ada = { platform: 'slack' as const, id: 'U0ADA' };
const bo = { platform: 'slack' as const, id: 'U0BO' };

describe('createRefreshGate', () => {
  it('admits one refresh of a source at a time, and names the one running to the next asker', () => {
    const gate = createRefreshGate();
    const first = gate.tryStart({ asker: ada, source: 'github:acme/pay', label: 'acme/pay' });
    expect(first.admitted).toBe(true);
    expect(gate.tryStart({ asker: bo, source: 'github:acme/pay', label: 'acme/pay' })).toMatchObject({
      admitted: false,
      reason: 'source-busy',
      running: { label: 'acme/pay', asker: ada },
    });
    if (first.admitted) first.done();
    expect(gate.tryStart({ asker: bo, source: 'github:acme/pay', label: 'acme/pay' }).admitted).toBe(true);
  });

  it('lets a person run one refresh at a time, and a few per window', () => {
    let now = 0;
    const gate = createRefreshGate({ perAskerPerWindow: 2, windowMs: 60_000, now: () => now });
    const first = gate.tryStart({ asker: ada, source: 'a', label: 'a' });
    expect(gate.tryStart({ asker: ada, source: 'b', label: 'b' })).toMatchObject({ reason: 'asker-busy' });
    if (first.admitted) first.done();
    const second = gate.tryStart({ asker: ada, source: 'b', label: 'b' });
    if (second.admitted) second.done();
    now = 10_000;
    expect(gate.tryStart({ asker: ada, source: 'c', label: 'c' })).toEqual({
      admitted: false,
      reason: 'asker-rate',
      limit: 2,
      windowMs: 60_000,
      retryInMs: 50_000,
    });
    // Someone else is not held to Ada's window; and once the window passes, Ada may refresh again.
    expect(gate.tryStart({ asker: bo, source: 'c', label: 'c' }).admitted).toBe(true);
    now = 61_000;
    expect(gate.tryStart({ asker: ada, source: 'd', label: 'd' }).admitted).toBe(true);
  });

  it('bounds what it tracks: refreshes running in all, and the people it remembers', () => {
    const gate = createRefreshGate({ maxRunning: 3, maxAskersTracked: 2, perAskerPerWindow: 1 });
    const asker = (n: number) => ({ platform: 'slack' as const, id: `U${n}` });
    const admitted = [1, 2, 3].map((n) => gate.tryStart({ asker: asker(n), source: `s${n}`, label: `s${n}` }));
    expect(admitted.every((admission) => admission.admitted)).toBe(true);
    expect(gate.tryStart({ asker: asker(4), source: 's4', label: 's4' })).toEqual({
      admitted: false,
      reason: 'full',
      limit: 3,
    });
    for (const admission of admitted) if (admission.admitted) admission.done();
    expect(gate.running()).toBe(0);
    // Only the two most recent people are remembered: U1's window was forgotten, so U1 may start again.
    expect(gate.tryStart({ asker: asker(1), source: 's1', label: 's1' }).admitted).toBe(true);
    expect(gate.tryStart({ asker: asker(3), source: 's3', label: 's3' })).toMatchObject({ reason: 'asker-rate' });
  });

  it('ignores a second done()', () => {
    const gate = createRefreshGate();
    const first = gate.tryStart({ asker: ada, source: 'a', label: 'a' });
    if (first.admitted) first.done();
    const second = gate.tryStart({ asker: bo, source: 'a', label: 'a' });
    if (first.admitted) first.done();
    expect(gate.running()).toBe(1);
    expect(second.admitted).toBe(true);
  });
});
