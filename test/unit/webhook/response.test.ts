import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { webhookResponseSchema } from '../../../src/webhook/response-schema-document.js';
import { InvalidPhoneNumberError, channelConnectionResponse } from '../../../src/webhook/response.js';

describe('channelConnectionResponse', () => {
  it('truncates friendlyName to 24 code points and keeps order and extensions', () => {
    const answer = channelConnectionResponse([
      { e164PhoneNumber: '+14155552671', friendlyName: `${'a'.repeat(23)}📞📞tail` },
      { e164PhoneNumber: '+18001231234', extension: '12', friendlyName: 'Desk' },
    ]);
    expect(answer).toEqual({
      phoneNumbers: [
        { e164PhoneNumber: '+14155552671', friendlyName: `${'a'.repeat(23)}📞` },
        { e164PhoneNumber: '+18001231234', extension: '12', friendlyName: 'Desk' },
      ],
    });
  });

  it('does not mutate its input', () => {
    const input = [{ e164PhoneNumber: '+14155552671', friendlyName: 'x'.repeat(30) }];
    channelConnectionResponse(input);
    expect(input[0]?.friendlyName).toBe('x'.repeat(30));
  });

  it('throws naming the invalid number and its index', () => {
    const call = () =>
      channelConnectionResponse([
        { e164PhoneNumber: '+14155552671', friendlyName: 'ok' },
        { e164PhoneNumber: '4155552671', friendlyName: 'no plus' },
      ]);
    expect(call).toThrow(InvalidPhoneNumberError);
    expect(call).toThrow(/"4155552671" \(phoneNumbers\[1\]\): phoneNumbers\[1\]\.e164PhoneNumber: must match pattern/);
    try {
      call();
    } catch (error) {
      expect(error).toMatchObject({ index: 1, e164PhoneNumber: '4155552671' });
    }
  });

  it('refuses unknown keys, missing names and non-objects', () => {
    expect(() => channelConnectionResponse([{ e164PhoneNumber: '+14155552671', friendlyName: 'x', extention: '1' } as never])).toThrow(/extention/);
    expect(() => channelConnectionResponse([{ e164PhoneNumber: '+14155552671' } as never])).toThrow(/"\+14155552671".*friendlyName/);
    expect(() => channelConnectionResponse([null as never])).toThrow(/phoneNumbers\[0\] is not an object/);
    expect(() => channelConnectionResponse('x' as never)).toThrow(TypeError);
  });
});

describe('webhookResponseSchema', () => {
  it('is the shipped schema file, frozen', () => {
    const file = JSON.parse(readFileSync(new URL('../../../schemas/webhook-response.schema.json', import.meta.url), 'utf8'));
    expect(webhookResponseSchema).toEqual(file);
    expect(Object.isFrozen(webhookResponseSchema)).toBe(true);
    expect(Object.isFrozen(webhookResponseSchema.properties)).toBe(true);
  });
});
