// The pacer's sorted log of start times, against the obvious model: a plain
// array, sorted on every question. Any sequence of operations must give the
// same answers (binary searches and the occasional compaction are invisible).
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createStartLog } from '../../../src/hubspot/pacer.js';

type Op = { kind: 'add' | 'remove' | 'drop' | 'count'; t: number } | { kind: 'nth'; n: number };

const op: fc.Arbitrary<Op> = fc.oneof(
  fc.record({ kind: fc.constant('add' as const), t: fc.integer({ min: 0, max: 3000 }) }),
  fc.record({ kind: fc.constant('add' as const), t: fc.integer({ min: 0, max: 40 }) }),
  fc.record({ kind: fc.constant('remove' as const), t: fc.integer({ min: 0, max: 3000 }) }),
  fc.record({ kind: fc.constant('drop' as const), t: fc.integer({ min: -1, max: 3000 }) }),
  fc.record({ kind: fc.constant('count' as const), t: fc.integer({ min: -1, max: 3001 }) }),
  fc.record({ kind: fc.constant('nth' as const), n: fc.integer({ min: 1, max: 50 }) }),
);

describe('the pacer start log', () => {
  it('answers like a plain sorted array, for any sequence of operations', () => {
    fc.assert(
      fc.property(fc.array(op, { maxLength: 300 }), (ops) => {
        const log = createStartLog();
        let model: number[] = [];
        for (const o of ops) {
          if (o.kind === 'add') {
            log.add(o.t);
            model = [...model, o.t].sort((a, b) => a - b);
          } else if (o.kind === 'remove') {
            const at = model.indexOf(o.t);
            expect(log.remove(o.t)).toBe(at >= 0);
            if (at >= 0) model.splice(at, 1);
          } else if (o.kind === 'drop') {
            log.dropUpTo(o.t);
            model = model.filter((x) => x > o.t);
          } else if (o.kind === 'count') {
            expect(log.countAfter(o.t)).toBe(model.filter((x) => x > o.t).length);
          } else if (o.kind === 'nth' && o.n <= model.length) {
            expect(log.nthFromEnd(o.n)).toBe(model[model.length - o.n]);
          }
        }
      }),
      { numRuns: 300 },
    );
  });

  it('keeps answering right across compaction of thousands of forgotten starts', () => {
    const log = createStartLog();
    for (let t = 0; t < 5000; t++) log.add(t);
    for (let t = 0; t < 5000; t += 500) {
      log.dropUpTo(t);
      expect(log.countAfter(t)).toBe(4999 - t);
      expect(log.nthFromEnd(1)).toBe(4999);
    }
    // Kept now: 4501…4999. Dropping an older time changes nothing.
    log.dropUpTo(4200);
    expect(log.countAfter(-1)).toBe(499);
    expect(log.nthFromEnd(499)).toBe(4501);
    expect(log.remove(4501)).toBe(true);
    expect(log.remove(4501)).toBe(false);
    // An out-of-order start lands in order.
    log.add(4300);
    expect(log.nthFromEnd(499)).toBe(4300);
    expect(log.countAfter(4299)).toBe(499);
  });
});
