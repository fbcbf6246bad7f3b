import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createLineBuffer } from '../../../src/webhook/line-buffer.js';

// Fake timers drive both setImmediate (end of turn) and setTimeout (the interval).
beforeEach(() => {
  vi.useFakeTimers({ toFake: ['setImmediate', 'clearImmediate', 'setTimeout', 'clearTimeout'] });
});
afterEach(() => {
  vi.useRealTimers();
});

function recorder(now: { ms: number }) {
  const writes: string[] = [];
  const lines = createLineBuffer((text) => writes.push(text), { minIntervalMs: 50, now: () => now.ms });
  return { writes, lines };
}

/** Ends the current turn: runs what setImmediate queued, not later timers. */
function endTurn(): void {
  vi.advanceTimersByTime(0);
}

describe('line buffer', () => {
  it('writes the lines of one turn together, at the end of the turn', () => {
    const { writes, lines } = recorder({ ms: 1000 });
    lines.log('a');
    lines.log('b');
    expect(writes).toEqual([]);
    endTurn();
    expect(writes).toEqual(['a\nb\n']);
  });

  it('holds lines that closely follow a write, and writes them together once the interval is over', () => {
    const now = { ms: 1000 };
    const { writes, lines } = recorder(now);
    lines.log('first');
    endTurn();
    now.ms += 10;
    lines.log('second');
    lines.log('third');
    endTurn();
    vi.advanceTimersByTime(39);
    expect(writes).toEqual(['first\n']);
    vi.advanceTimersByTime(1);
    expect(writes).toEqual(['first\n', 'second\nthird\n']);
  });

  it('writes at the end of the turn after a quiet spell, and at once on flush()', () => {
    const now = { ms: 1000 };
    const { writes, lines } = recorder(now);
    lines.log('one');
    endTurn();
    now.ms += 500;
    lines.log('two');
    endTurn();
    lines.log('three');
    lines.flush();
    lines.flush();
    vi.advanceTimersByTime(100);
    expect(writes).toEqual(['one\n', 'two\n', 'three\n']);
  });
});
