import { describe, expect, it } from 'vitest';
import { FaultQueue, formatFaultKind, parseFaultKind, parseFaultSpec } from '../../../src/emulator/faults.js';

describe('parseFaultSpec', () => {
  it.each([
    ['POST:2:503', { method: 'POST', remaining: 2, kind: { type: 'status', status: 503 } }],
    ['get:1:429', { method: 'GET', remaining: 1, kind: { type: 'status', status: 429 } }],
    ['*:3:reset', { method: '*', remaining: 3, kind: { type: 'reset' } }],
    ['PATCH:1:truncated', { method: 'PATCH', remaining: 1, kind: { type: 'truncated' } }],
    ['GET:1:429-daily', { method: 'GET', remaining: 1, kind: { type: 'daily-limit' } }],
    ['POST:1:500-after-write', { method: 'POST', remaining: 1, kind: { type: 'error-after-write' } }],
    ['DELETE:4:delay=250', { method: 'DELETE', remaining: 4, kind: { type: 'delay', ms: 250 } }],
  ])('parses %s', (spec, rule) => {
    expect(parseFaultSpec(spec)).toEqual({ ok: true, value: rule });
  });

  it.each([
    ['POST:2', /METHOD:COUNT:KIND/],
    ['PUT:1:500', /method must be one of/],
    ['GET:0:500', /count must be/],
    ['GET:x:500', /count must be/],
    ['GET:1:399', /kind must be/],
    ['GET:1:600', /kind must be/],
    ['GET:1:explode', /kind must be/],
    ['GET:1:delay=600001', /delay must be at most/],
  ])('rejects %s', (spec, problem) => {
    const parsed = parseFaultSpec(spec);
    expect(parsed.ok).toBe(false);
    expect(parsed.ok ? '' : parsed.problem).toMatch(problem);
  });

  it('formats every kind back to its spec text', () => {
    for (const text of ['503', '503+retry-after=0', '429+retry-after=3', '429-daily', 'reset', 'truncated', '500-after-write', 'delay=10']) {
      const kind = parseFaultKind(text);
      expect(kind.ok && formatFaultKind(kind.value)).toBe(text);
    }
  });
});

describe('FaultQueue', () => {
  it('catches the next COUNT matching requests, first rule first, then lets requests through', () => {
    const queue = new FaultQueue();
    queue.add({ method: 'POST', remaining: 2, kind: { type: 'status', status: 500 } });
    queue.add({ method: '*', remaining: 1, kind: { type: 'reset' } });
    expect(queue.take('GET')).toEqual({ type: 'reset' });
    expect(queue.take('GET')).toBeUndefined();
    expect(queue.take('POST')).toEqual({ type: 'status', status: 500 });
    expect(queue.list()).toEqual([{ method: 'POST', count: 1, kind: '500' }]);
    expect(queue.take('POST')).toEqual({ type: 'status', status: 500 });
    expect(queue.take('POST')).toBeUndefined();
    expect(queue.isEmpty).toBe(true);
  });

  it('does not share state with the rule it was given', () => {
    const queue = new FaultQueue();
    const rule = { method: 'GET' as const, remaining: 1, kind: { type: 'reset' as const } };
    queue.add(rule);
    queue.take('GET');
    expect(rule.remaining).toBe(1);
  });

  it('clears', () => {
    const queue = new FaultQueue();
    queue.add({ method: 'GET', remaining: 5, kind: { type: 'reset' } });
    queue.clear();
    expect(queue.take('GET')).toBeUndefined();
  });
});
