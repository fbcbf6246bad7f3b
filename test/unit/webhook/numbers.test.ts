import { describe, expect, it } from 'vitest';
import { declaredLevels, declaredNumbersFor, webhookUrlOf } from '../../../src/webhook/numbers.js';
import { buildApp, phone, portal } from './build-app.js';

const A = [phone('+14155550001', 'app')];
const P = [phone('+14155550002', 'portal')];
const U = [phone('+14155550003', 'user')];

describe('declaredNumbersFor: the most specific declaration wins', () => {
  const app = buildApp({ appId: 1, phoneNumbers: A, portals: [portal(1, P, { 2: U }), portal(3, undefined, { 4: U })] });

  it('user, then portal, then app', () => {
    expect(declaredNumbersFor(app, 1, 2)).toBe(U);
    expect(declaredNumbersFor(app, 1, 99)).toBe(P);
    expect(declaredNumbersFor(app, 1, undefined)).toBe(P);
    expect(declaredNumbersFor(app, 99, 2)).toBe(A);
    expect(declaredNumbersFor(app, undefined, undefined)).toBe(A);
  });

  it('a portal without its own numbers falls back to the app’s, its users still win', () => {
    expect(declaredNumbersFor(app, 3, 1)).toBe(A);
    expect(declaredNumbersFor(app, 3, 4)).toBe(U);
  });
});

describe('declaredLevels', () => {
  it('asks the default with an undeclared portal, a portal with an undeclared user', () => {
    const app = buildApp({ appId: 1, phoneNumbers: A, portals: [portal(2, P, { 1: U, 2: U }), portal(1, undefined)] });
    expect(declaredLevels(app).map((l) => [l.portalId, l.userId, l.request, l.numbers])).toEqual([
      [undefined, undefined, { portalId: 3, userId: 1 }, A],
      [1, undefined, { portalId: 1, userId: 1 }, A],
      [2, undefined, { portalId: 2, userId: 3 }, P],
      [2, 1, { portalId: 2, userId: 1 }, U],
      [2, 2, { portalId: 2, userId: 2 }, U],
    ]);
  });

  it('each level’s request resolves to that level’s numbers', () => {
    const app = buildApp({ appId: 1, phoneNumbers: A, portals: [portal(1, P, { 1: U, 3: [] }), portal(4, undefined, { 2: U })] });
    for (const level of declaredLevels(app)) {
      expect(declaredNumbersFor(app, level.request.portalId, level.request.userId)).toBe(level.numbers);
    }
  });
});

describe('webhookUrlOf', () => {
  it('is the url of a present channel connection only', () => {
    expect(webhookUrlOf(buildApp({ appId: 5 }))).toBe('https://example.com/webhook/5');
    expect(webhookUrlOf(buildApp({ appId: 5, url: null }))).toBeUndefined();
    expect(webhookUrlOf(buildApp({ appId: 5, unmanaged: true }))).toBeUndefined();
  });
});
