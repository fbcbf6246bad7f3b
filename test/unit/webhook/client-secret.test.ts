import { describe, expect, it } from 'vitest';
import { UserError } from '../../../src/errors.js';
import { assertClientSecrets, clientSecretFor, malformedSecrets, missingSecretMessage } from '../../../src/webhook/client-secret.js';

describe('clientSecretFor', () => {
  it('prefers the per-app secret, then the shared one', () => {
    const env = { HUBSPOT_CLIENT_SECRET: 'shared', HUBSPOT_CLIENT_SECRET_42: 'own' };
    expect(clientSecretFor(42, env)).toBe('own');
    expect(clientSecretFor(7, env)).toBe('shared');
  });

  it('treats empty values as unset', () => {
    expect(clientSecretFor(42, { HUBSPOT_CLIENT_SECRET_42: '', HUBSPOT_CLIENT_SECRET: 'shared' })).toBe('shared');
    expect(clientSecretFor(42, { HUBSPOT_CLIENT_SECRET: '' })).toBeUndefined();
    expect(clientSecretFor(42, {})).toBeUndefined();
  });

  it('names the variables to set, never a value', () => {
    expect(missingSecretMessage([1, 2])).toBe(
      'no client secret for apps 1, 2: set HUBSPOT_CLIENT_SECRET_1, HUBSPOT_CLIENT_SECRET_2 or HUBSPOT_CLIENT_SECRET.',
    );
  });

  it('names each malformed secret the apps would use, once per variable, never quoting it', () => {
    const env = { HUBSPOT_CLIENT_SECRET: 'shared-secret-123\n', HUBSPOT_CLIENT_SECRET_42: 'own\u200bsecret', HUBSPOT_CLIENT_SECRET_7: 'fine secret' };
    expect(malformedSecrets([42, 1, 2, 7], env)).toEqual([
      'HUBSPOT_CLIENT_SECRET_42 holds a control or invisible character (at position 4 of 10)',
      'HUBSPOT_CLIENT_SECRET ends with a line break',
    ]);
    expect(malformedSecrets([7], env)).toEqual([]);
    const thrown = (appIds: number[], environment: Record<string, string>): UserError => {
      try {
        assertClientSecrets(appIds, environment, 'cannot probe webhooks');
      } catch (error) {
        if (error instanceof UserError) return error;
        throw error;
      }
      throw new Error('expected a UserError');
    };
    expect(thrown([1], env).message).toBe('cannot probe webhooks: malformed client secret: HUBSPOT_CLIENT_SECRET ends with a line break');
    expect(thrown([1], env).message).not.toContain('shared-secret-123');
    // A missing secret is said first, as before.
    expect(thrown([1, 2], { HUBSPOT_CLIENT_SECRET_1: 'own-secret-1' }).message).toBe(`cannot probe webhooks: ${missingSecretMessage([2])}`);
    expect(() => assertClientSecrets([7], env, 'cannot probe webhooks')).not.toThrow();
  });
});
