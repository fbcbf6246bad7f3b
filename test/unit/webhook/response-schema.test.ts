import { describe, expect, it } from 'vitest';
import { validateWebhookResponse } from '../../../src/webhook/response-schema.js';

describe('validateWebhookResponse', () => {
  it('accepts HubSpot’s documented example', () => {
    const body = { phoneNumbers: [{ e164PhoneNumber: '+18001231234', extension: '1', friendlyName: 'My cell phone number' }] };
    expect(validateWebhookResponse(body)).toEqual({ ok: true, value: body });
  });

  it('accepts an empty list and exactly 24 code points of astral characters', () => {
    expect(validateWebhookResponse({ phoneNumbers: [] }).ok).toBe(true);
    expect(validateWebhookResponse({ phoneNumbers: [{ e164PhoneNumber: '+1415', friendlyName: '📞'.repeat(24) }] }).ok).toBe(true);
  });

  it.each([
    [{}, "(root): must have required property 'phoneNumbers'"],
    [[], '(root): must be object'],
    [{ phoneNumbers: {} }, 'phoneNumbers: must be array'],
    [{ phoneNumbers: [{ e164PhoneNumber: '+0123', friendlyName: 'x' }] }, 'phoneNumbers[0].e164PhoneNumber: must match pattern "^\\+[1-9][0-9]{1,14}$"'],
    [{ phoneNumbers: [{ e164PhoneNumber: '+1234567890123456', friendlyName: 'x' }] }, 'phoneNumbers[0].e164PhoneNumber: must match pattern "^\\+[1-9][0-9]{1,14}$"'],
    [{ phoneNumbers: [{ e164PhoneNumber: '+14155552671' }] }, "phoneNumbers[0]: must have required property 'friendlyName'"],
    [{ phoneNumbers: [{ e164PhoneNumber: '+14155552671', friendlyName: 'x'.repeat(25) }] }, 'phoneNumbers[0].friendlyName: must NOT have more than 24 characters'],
    [{ phoneNumbers: [{ e164PhoneNumber: '+14155552671', friendlyName: 'x', extension: 1 }] }, 'phoneNumbers[0].extension: must be string'],
    [{ phoneNumbers: [{ e164PhoneNumber: '+14155552671', friendlyName: 'x', label: 'y' }] }, 'phoneNumbers[0]: must NOT have additional properties (label)'],
  ])('rejects %j', (body, message) => {
    const verdict = validateWebhookResponse(body);
    expect(verdict.ok).toBe(false);
    if (!verdict.ok) expect(verdict.errors).toContain(message);
  });

  it('reports at most five errors and counts the rest', () => {
    const phoneNumbers = Array.from({ length: 8 }, () => ({ e164PhoneNumber: 'bad', friendlyName: 'x' }));
    const verdict = validateWebhookResponse({ phoneNumbers });
    expect(verdict.ok).toBe(false);
    if (!verdict.ok) {
      expect(verdict.errors).toHaveLength(6);
      expect(verdict.errors[5]).toBe('… and 3 more');
    }
  });
});
