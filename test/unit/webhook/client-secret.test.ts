import { describe, expect, it } from 'vitest';
import { clientSecretFor, missingSecretMessage } from '../../../src/webhook/client-secret.js';

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
});
