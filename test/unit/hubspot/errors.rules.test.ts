// Rules of reading HubSpot's error answers (src/hubspot/errors.ts): every
// string kept is redacted, only HubSpot's own shape means "not found", and a
// HubSpotError carries no more than it was given.
import { describe, expect, it } from 'vitest';
import { UserError } from '../../../src/errors.js';
import { HubSpotError, isHubSpotErrorShape, readErrorBody } from '../../../src/hubspot/errors.js';
import { createScrubber } from '../../../src/runtime/secrets.js';

const SECRET = 'pat-na1-errors-0000-1111-2222-333333333333';
const scrub = createScrubber([SECRET]);
const body = (value: unknown) => readErrorBody(JSON.stringify(value), scrub);

describe('readErrorBody', () => {
  it('keeps message, category, subCategory, correlationId and policyName', () => {
    expect(body({ status: 'error', message: 'Bad', category: 'VALIDATION_ERROR', subCategory: 'X.Y', correlationId: 'c-1', policyName: 'DAILY' })).toEqual({
      message: 'Bad',
      category: 'VALIDATION_ERROR',
      subCategory: 'X.Y',
      correlationId: 'c-1',
      policyName: 'DAILY',
      details: [],
    });
  });

  it('redacts a secret echoed in any field it keeps, nested messages included', () => {
    const echoed = body({
      message: `key ${SECRET} refused`,
      category: `C ${SECRET}`,
      subCategory: `S ${encodeURIComponent(SECRET)}`,
      correlationId: `id-${SECRET}`,
      policyName: `P ${SECRET}`,
      errors: [{ message: `field ${SECRET}` }],
    });
    expect(JSON.stringify(echoed)).not.toContain(SECRET);
    expect(echoed).toEqual({
      message: 'key [REDACTED] refused',
      category: 'C [REDACTED]',
      subCategory: 'S [REDACTED]',
      correlationId: 'id-[REDACTED]',
      policyName: 'P [REDACTED]',
      details: ['field [REDACTED]'],
    });
  });

  it('shows control characters in what it keeps escaped: no terminal sequence or fake line gets through', () => {
    const read = body({ message: 'evil \u001b]0;pwned\u0007 \u001b[2J\r\nfake: line', correlationId: 'c\u001b[1m', errors: [{ message: 'x\u202ey' }] });
    expect(read).toEqual({ message: 'evil \\x1b]0;pwned\\x07 \\x1b[2J\\r\\nfake: line', correlationId: 'c\\x1b[1m', details: ['x\\u202ey'] });
  });

  it('leaves out empty and non-string fields', () => {
    expect(body({ message: '', category: 42, subCategory: null, correlationId: ['c'], policyName: {} })).toEqual({ details: [] });
  });

  it('keeps the nested messages that add something: not the top message again, not non-strings', () => {
    expect(body({ message: 'Top', errors: [{ message: 'Top' }, { message: 'width must be positive' }, { message: 3 }, 'text', null, { message: 'height too' }] }).details).toEqual([
      'width must be positive',
      'height too',
    ]);
    expect(body({ message: 'Top', errors: { message: 'not a list' } }).details).toEqual([]);
  });

  it('an answer that is not a JSON object gives nothing', () => {
    for (const text of ['', '<html>502</html>', '[{"message":"x"}]', 'null', '"message"', '{"message": "cut']) {
      expect(readErrorBody(text, scrub), text).toEqual({ details: [] });
    }
  });
});

describe('isHubSpotErrorShape', () => {
  it("is HubSpot's shape: status (text or number), message and correlationId", () => {
    expect(isHubSpotErrorShape(JSON.stringify({ status: 'error', message: 'Not found', correlationId: 'c' }))).toBe(true);
    expect(isHubSpotErrorShape(JSON.stringify({ status: 404, message: 'Not found', correlationId: 'c', category: 'OBJECT_NOT_FOUND' }))).toBe(true);
  });

  it('is not, when any of them is missing or of another type, or the body is not a JSON object', () => {
    const shapes: unknown[] = [
      { message: 'Not found', correlationId: 'c' },
      { status: true, message: 'Not found', correlationId: 'c' },
      { status: 'error', correlationId: 'c' },
      { status: 'error', message: 1, correlationId: 'c' },
      { status: 'error', message: 'Not found' },
      { status: 'error', message: 'Not found', correlationId: 7 },
      [{ status: 'error', message: 'Not found', correlationId: 'c' }],
      null,
    ];
    for (const shape of shapes) expect(isHubSpotErrorShape(JSON.stringify(shape)), JSON.stringify(shape)).toBe(false);
    expect(isHubSpotErrorShape('<html>404 Not Found</html>')).toBe(false);
    expect(isHubSpotErrorShape('')).toBe(false);
  });
});

describe('HubSpotError', () => {
  it('is a user error carrying the call, the status and whether a rerun may help', () => {
    const error = new HubSpotError('app 1: GET failed', {
      appId: 1,
      resource: 'calling-settings',
      method: 'GET',
      status: 503,
      category: 'INTERNAL_ERROR',
      correlationId: 'c-9',
      attempts: 6,
      hint: 'try later',
      rerunnable: true,
    });
    expect(error).toBeInstanceOf(UserError);
    expect(error).toMatchObject({
      name: 'HubSpotError',
      message: 'app 1: GET failed',
      appId: 1,
      resource: 'calling-settings',
      method: 'GET',
      status: 503,
      category: 'INTERNAL_ERROR',
      correlationId: 'c-9',
      attempts: 6,
      hint: 'try later',
      rerunnable: true,
      notAttempted: undefined,
    });
    expect(error.cause).toBeUndefined();
  });

  it('is "not attempted" only when said so; without a hint or correlationId it has none', () => {
    const error = new HubSpotError('m', { appId: 2, method: 'POST', attempts: 0, notAttempted: 'the host was given up on', rerunnable: false });
    expect(error.notAttempted).toBe('the host was given up on');
    expect(error.rerunnable).toBe(false);
    expect(error.hint).toBeUndefined();
    expect(error.correlationId).toBeUndefined();
    expect(error.resource).toBeUndefined();
    expect(error.status).toBeUndefined();
  });
});
