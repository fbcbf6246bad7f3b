// Rules of saved plans (`plan --out`, `apply FILE`): what is recorded, what
// a forged or edited file cannot do, and what makes a saved plan stale.
import { describe, expect, it } from 'vitest';
import { forgeSavedPlan } from '../../helpers/forge-plan.js';
import {
  createSavedPlan,
  findStaleResources,
  isAlreadyApplied,
  observedOf,
  parseSavedPlan,
  sameObservation,
  type ObservedJson,
  type SavedPlanJson,
} from '../../../src/apply/saved-plan.js';
import { UserError } from '../../../src/errors.js';
import type { RemoteResource } from '../../../src/hubspot/types.js';
import { buildPlan } from '../../../src/plan/build-plan.js';
import { changeKey, type ChangeKey, type Plan } from '../../../src/plan/model.js';
import { renderJson } from '../../../src/render/json.js';
import type { ResourceName } from '../../../src/resources/index.js';
import { absent, app, calling, present, recording, remote, settings } from '../../helpers/builders.js';

const VERSION = '1.2.3';
const key = (appId: number, resource: ResourceName = 'channel-connection'): ChangeKey => changeKey({ appId, resource });
const PLANNED_AT = '2026-11-01T10:00:00Z';

// App 10: channel connection to update, calling settings to create.
// App 20: channel connection to delete. App 30: recording settings unchanged (no-op).
const observed = new Map<ChangeKey, RemoteResource | null>([
  [key(10), remote(settings({ isReady: false }), { updatedAt: PLANNED_AT })],
  [key(10, 'calling-settings'), null],
  [key(20), remote(settings(), { updatedAt: PLANNED_AT })],
  [key(30, 'recording-settings'), remote(recording(), { updatedAt: PLANNED_AT })],
]);
const apps = [
  app(10, { resources: { 'channel-connection': present(settings()), 'calling-settings': present(calling()) } }),
  app(20, { resources: { 'channel-connection': absent } }),
  app(30, { resources: { 'recording-settings': present(recording()) } }),
];
const plan = buildPlan(apps, observed, { targets: [30, 10, 20] });
const NOW = Date.UTC(2026, 10, 1, 10, 5, 0);
const document = createSavedPlan({ plan, observed, toolVersion: VERSION, inputHash: 'b'.repeat(64), configPaths: ['envs/*.yaml'], files: ['envs/a.yaml', 'envs/b.yaml'], now: NOW });
const text = renderJson(document);

function refusal(run: () => unknown): UserError {
  try {
    run();
  } catch (error) {
    expect(error).toBeInstanceOf(UserError);
    return error as UserError;
  }
  throw new Error('expected a refusal');
}

const forged = (edit: (doc: SavedPlanJson) => void): string => forgeSavedPlan(text, edit);

function changeOf(doc: SavedPlanJson, appId: number, resource: ResourceName) {
  const change = doc.changes.find((c) => c.appId === appId && c.resource === resource);
  if (change === undefined) throw new Error(`no change for ${appId}/${resource}`);
  return change;
}

/** Current remote state: the planned observation with some entries replaced. */
const now = (entries: [ChangeKey, RemoteResource | null][] = []) => new Map([...observed, ...entries]);
const saved = parseSavedPlan(text, 'plan.json', VERSION);
const staleOf = (current: Map<ChangeKey, RemoteResource | null>) =>
  findStaleResources(saved.plan, saved.observed, current).map((s) => `${s.appId} ${s.resource}`);

describe('what a saved plan records', () => {
  it('the tool version, the time it was made, the input hash, config paths and files', () => {
    expect(document.savedPlan.toolVersion).toBe(VERSION);
    expect(document.savedPlan.createdAt).toBe('2026-11-01T10:05:00.000Z');
    expect(document.savedPlan.inputHash).toBe('b'.repeat(64));
    expect(document.savedPlan.configPaths).toEqual(['envs/*.yaml']);
    expect(document.savedPlan.files).toEqual(['envs/a.yaml', 'envs/b.yaml']);
    expect(document.savedPlan.checksum).toMatch(/^sha256:[0-9a-f]{64}$/);
  });

  it('one observation per change, no-ops included: presence, managed fields only, updatedAt', () => {
    expect(Object.keys(document.savedPlan.observed).sort()).toEqual(['10/calling-settings', '10/channel-connection', '20/channel-connection', '30/recording-settings']);
    expect(document.savedPlan.observed['10/calling-settings']).toEqual({ present: false });
    expect(document.savedPlan.observed['10/channel-connection']).toEqual({ present: true, fields: settings({ isReady: false }), updatedAt: PLANNED_AT });
  });

  it('server-added fields and createdAt are not part of the observation; a missing updatedAt is left out', () => {
    const extra = { fields: { ...settings(), serverExtra: 'x' }, createdAt: 'c' } as RemoteResource;
    expect(observedOf({ resource: 'channel-connection' }, extra)).toEqual({ present: true, fields: settings() });
    expect(observedOf({ resource: 'channel-connection' }, null)).toEqual({ present: false });
  });

  it('a change without an observation cannot be saved', () => {
    const partial = new Map(observed);
    partial.delete(key(20));
    expect(() => createSavedPlan({ plan, observed: partial, toolVersion: VERSION, inputHash: '', configPaths: [], files: [], now: 0 })).toThrow(/20\/channel-connection/);
  });

  it('round-trips the plan, its targets and the input hash', () => {
    expect(saved.plan).toEqual(plan);
    expect(saved.plan.targets).toEqual([10, 20, 30]);
    expect(saved.inputHash).toBe('b'.repeat(64));
    expect(saved.toolVersion).toBe(VERSION);
    expect(saved.configPaths).toEqual(['envs/*.yaml']);
    expect(saved.observed.size).toBe(4);
  });

  it('a plan without targets reads back without targets', () => {
    const untargeted = buildPlan(apps, observed);
    const file = renderJson(createSavedPlan({ plan: untargeted, observed, toolVersion: VERSION, inputHash: 'b'.repeat(64), configPaths: [], files: [], now: 0 }));
    expect(parseSavedPlan(file, 'p.json', VERSION).plan).not.toHaveProperty('targets');
  });

  it('the summary is recomputed from the changes, not trusted from the file', () => {
    const file = forged((doc) => {
      doc.summary = { create: 9, update: 9, delete: 9, noop: 9 };
    });
    expect(parseSavedPlan(file, 'p.json', VERSION).plan.summary).toEqual({ create: 1, update: 1, delete: 1, noop: 1 });
  });

  it('an impact without a warning flag reads back as not a warning', () => {
    const file = forged((doc) => {
      const impacts = changeOf(doc, 20, 'channel-connection').impacts;
      for (const impact of impacts) delete (impact as { warning?: boolean }).warning;
    });
    const impacts = parseSavedPlan(file, 'p.json', VERSION).plan.changes.find((c) => c.appId === 20)?.impacts ?? [];
    expect(impacts.length).toBeGreaterThan(0);
    for (const impact of impacts) expect(impact.warning).toBe(false);
  });
});

describe('what a saved plan refuses', () => {
  it('every refusal names the file, says nothing was applied and how to get a new plan', () => {
    const error = refusal(() => parseSavedPlan('{', 'dir/p.json', VERSION));
    expect(error.message).toMatch(/^dir\/p\.json: .*; nothing was applied\.$/);
    expect(error.hint).toContain('hscc plan --out FILE');
  });

  it('for show, which applies nothing, a refusal does not claim it applied nothing', () => {
    const error = refusal(() => parseSavedPlan('{', 'dir/p.json', VERSION, 'show'));
    expect(error.message).toBe('dir/p.json: not a complete JSON document (truncated or not an hscc plan file).');
    expect(error.hint).toBe('Show a plan saved by `hscc plan --out FILE`.');
  });

  it('a shape error names where the document is wrong', () => {
    const error = refusal(() => parseSavedPlan(JSON.stringify({ ...document, changes: 'none' }), 'p.json', VERSION));
    expect(error.message).toMatch(/not an hscc saved plan \(\/changes .+\)/);
    expect(refusal(() => parseSavedPlan('[]', 'p.json', VERSION)).message).toMatch(/not an hscc saved plan \(\/ .+\)/);
  });

  it('an edit of any recorded part breaks the checksum', () => {
    const edits: ((doc: SavedPlanJson) => void)[] = [
      (doc) => (doc.savedPlan.observed['20/channel-connection'] = { present: false }),
      (doc) => (doc.savedPlan.inputHash = 'c'.repeat(64)),
      (doc) => (doc.savedPlan.createdAt = '2020-01-01T00:00:00.000Z'),
      (doc) => (doc.targets = [10]),
      (doc) => (changeOf(doc, 10, 'channel-connection').after = settings({ url: 'https://elsewhere.example/x' })),
    ];
    for (const [i, edit] of edits.entries()) {
      const copy = JSON.parse(text) as SavedPlanJson;
      edit(copy);
      expect(refusal(() => parseSavedPlan(JSON.stringify(copy), 'p.json', VERSION)).message, `edit ${i}`).toMatch(/edited after it was saved \(checksum mismatch\)/);
    }
  });

  it('a plan from another version of hscc names both versions', () => {
    expect(refusal(() => parseSavedPlan(text, 'p.json', '1.2.4')).message).toMatch(/made by hscc 1\.2\.3, this is hscc 1\.2\.4/);
  });

  it('a forged delete of a resource the API cannot delete', () => {
    const file = forged((doc) => {
      const change = changeOf(doc, 30, 'recording-settings');
      change.action = 'delete';
      change.after = null;
    });
    expect(refusal(() => parseSavedPlan(file, 'p.json', VERSION)).message).toMatch(/app 30 recording-settings: HubSpot's API cannot delete/);
  });

  it('a forged create or update without values', () => {
    for (const [appId, resource] of [[10, 'calling-settings'], [10, 'channel-connection']] as const) {
      const file = forged((doc) => {
        changeOf(doc, appId, resource).after = null;
      });
      expect(refusal(() => parseSavedPlan(file, 'p.json', VERSION)).message, resource).toMatch(new RegExp(`app ${appId} ${resource}: (create|update) without values`));
    }
  });

  it('a create checks every field it sends, not only the listed ones', () => {
    const file = forged((doc) => {
      const change = changeOf(doc, 10, 'calling-settings');
      change.after = { ...calling(), height: 0 };
      change.changedFields = ['name'];
    });
    expect(refusal(() => parseSavedPlan(file, 'p.json', VERSION)).message).toMatch(/app 10 calling-settings: height: height must be a positive integer/);
  });

  it('an update checks the fields it changes', () => {
    const file = forged((doc) => {
      const change = changeOf(doc, 10, 'channel-connection');
      change.after = { ...settings(), isReady: 'yes' } as unknown as typeof change.after;
    });
    expect(refusal(() => parseSavedPlan(file, 'p.json', VERSION)).message).toMatch(/app 10 channel-connection: isReady: isReady must be true or false/);
  });

  it('a field the resource does not have, in the values or in the changed fields, is refused once', () => {
    for (const [appId, resource] of [[10, 'calling-settings'], [10, 'channel-connection']] as const) {
      const file = forged((doc) => {
        const change = changeOf(doc, appId, resource);
        change.after = { ...change.after, bogus: 1 } as unknown as typeof change.after;
        change.changedFields = [...change.changedFields, 'bogus'];
      });
      const message = refusal(() => parseSavedPlan(file, 'p.json', VERSION)).message;
      expect(message.match(/"bogus" is not a field of/g), resource).toHaveLength(1);
      expect(message).toMatch(new RegExp(`app ${appId} ${resource}: "bogus" is not a field of`));
    }
    // Only in the values, as an edit that leaves changedFields alone would put it.
    const file = forged((doc) => {
      const change = changeOf(doc, 10, 'channel-connection');
      change.after = { ...change.after, bogus: 1 } as unknown as typeof change.after;
    });
    expect(refusal(() => parseSavedPlan(file, 'p.json', VERSION)).message).toMatch(/app 10 channel-connection: "bogus" is not a field of/);
  });

  it('lists every problem, one per line', () => {
    const file = forged((doc) => {
      const change = changeOf(doc, 10, 'calling-settings');
      change.after = { ...calling(), width: 0, height: -1 };
    });
    const message = refusal(() => parseSavedPlan(file, 'p.json', VERSION)).message;
    expect(message).toMatch(/values no config may declare; nothing was applied\.\n {2}app 10 calling-settings: width: .*\n {2}app 10 calling-settings: height: [^\n]*$/);
  });

  it('half of a surrogate pair, which the config rules refuse, is refused in a plan too', () => {
    const file = forged((doc) => {
      const change = changeOf(doc, 10, 'calling-settings');
      change.after = { ...calling(), name: '\ud83d' };
    });
    expect(refusal(() => parseSavedPlan(file, 'p.json', VERSION)).message).toContain('app 10 calling-settings: name: the text holds half of a UTF-16 surrogate pair');
  });

  it("quotes the file's control characters escaped: a key, a value, the tool version", () => {
    const key = forged((doc) => {
      const entry = Object.values(doc.savedPlan.observed)[0] as { present: boolean; fields?: unknown };
      entry.present = true;
      entry.fields = { '\u001b]0;PWNED\u0007': {} };
    });
    const value = forged((doc) => {
      const change = changeOf(doc, 10, 'calling-settings');
      change.after = { ...calling(), url: 'https://evil.example/\u001b[31mRED\u0007' };
    });
    const version = forged((doc) => {
      doc.savedPlan.toolVersion = '9\u001b]0;PWNED\u0007';
    });
    for (const [name, file] of Object.entries({ key, value, version })) {
      let message = '';
      try {
        parseSavedPlan(file, 'p.json', VERSION);
      } catch (error) {
        message = (error as Error).message;
      }
      expect(message, name).not.toBe('');
      expect(message).toContain('\\x1b');
      expect(message).not.toMatch(/[\u0000-\u0009\u000b-\u001f]/);
    }
  });

  it('a change whose observation is missing', () => {
    const file = forged((doc) => {
      delete doc.savedPlan.observed['20/channel-connection'];
    });
    expect(refusal(() => parseSavedPlan(file, 'p.json', VERSION)).message).toMatch(/no observation recorded for 20\/channel-connection/);
  });

  it('a delete and a no-op carry no values to check', () => {
    const file = forged((doc) => {
      changeOf(doc, 30, 'recording-settings').after = { urlToRetrieveAuthedRecording: 'ftp://x' };
    });
    expect(parseSavedPlan(file, 'p.json', VERSION).plan.changes).toHaveLength(4);
  });
});

describe('a saved plan is stale', () => {
  it('not when nothing changed, or only createdAt and server-added fields', () => {
    expect(findStaleResources(saved.plan, saved.observed, observed)).toEqual([]);
    const extras = remote({ ...settings({ isReady: false }), serverExtra: 1 } as never, { updatedAt: PLANNED_AT, createdAt: 'other' });
    expect(staleOf(now([[key(10), extras]]))).toEqual([]);
  });

  it('when the remote url changed since planning, even with the same updatedAt', () => {
    expect(staleOf(now([[key(10), remote(settings({ isReady: false, url: 'https://moved.example/x' }), { updatedAt: PLANNED_AT })]]))).toEqual(['10 channel-connection']);
  });

  it('when isReady changed since planning, even with the same updatedAt', () => {
    expect(staleOf(now([[key(10), remote(settings({ isReady: true }), { updatedAt: PLANNED_AT })]]))).toEqual(['10 channel-connection']);
  });

  it('when only updatedAt moved', () => {
    expect(staleOf(now([[key(20), remote(settings(), { updatedAt: '2026-11-02T00:00:00Z' })]]))).toEqual(['20 channel-connection']);
  });

  it('when a resource appeared or disappeared', () => {
    expect(staleOf(now([[key(10, 'calling-settings'), remote(calling())]]))).toEqual(['10 calling-settings']);
    expect(staleOf(now([[key(20), null]]))).toEqual(['20 channel-connection']);
  });

  it('when a no-op resource changed: the plan was made against it too', () => {
    expect(staleOf(now([[key(30, 'recording-settings'), remote(recording('https://api.acme.example/other/%s'), { updatedAt: PLANNED_AT })]]))).toEqual(['30 recording-settings']);
  });

  it('each stale resource is listed, in plan order', () => {
    const current = now([
      [key(30, 'recording-settings'), null],
      [key(10), null],
    ]);
    expect(staleOf(current)).toEqual(['10 channel-connection', '30 recording-settings']);
  });

  it('the reason shows what was planned against and what is there now', () => {
    const [entry] = findStaleResources(saved.plan, saved.observed, now([[key(10), remote(settings({ isReady: true }), { updatedAt: 'later' })]]));
    expect(entry?.reason).toBe(
      `planned against url "https://calls.example.com/hubspot", isReady false, updatedAt ${PLANNED_AT}; now url "https://calls.example.com/hubspot", isReady true, updatedAt later`,
    );
    const [gone] = findStaleResources(saved.plan, saved.observed, now([[key(20), null]]));
    expect(gone?.reason).toBe(`planned against url "https://calls.example.com/hubspot", isReady true, updatedAt ${PLANNED_AT}; now absent`);
    const noStamp = { fields: settings() } as RemoteResource;
    const [unstamped] = findStaleResources(saved.plan, saved.observed, now([[key(10, 'calling-settings'), { ...noStamp, fields: calling() }]]));
    expect(unstamped?.reason).toMatch(/^planned against absent; now name "Acme Phone", .*, updatedAt unknown$/);
  });

  it('a resource not read again is not judged', () => {
    const partial = new Map(observed);
    partial.delete(key(20));
    partial.set(key(10), null);
    expect(findStaleResources(saved.plan, saved.observed, partial).map((s) => s.appId)).toEqual([10]);
  });
});

describe('two observations are the same', () => {
  it('when presence, every managed field and updatedAt agree', () => {
    const a: ObservedJson = { present: true, fields: { url: 'u', isReady: true }, updatedAt: 't' };
    expect(sameObservation(a, { ...a, fields: { isReady: true, url: 'u' } })).toBe(true);
    expect(sameObservation({ present: false }, { present: false })).toBe(true);
  });

  it('not when any one of them differs, either way round', () => {
    const a: ObservedJson = { present: true, fields: { url: 'u', isReady: true }, updatedAt: 't' };
    const others: ObservedJson[] = [
      { present: false },
      { ...a, updatedAt: 'u' },
      { present: true, fields: { url: 'u', isReady: true } },
      { ...a, fields: { url: 'v', isReady: true } },
      { ...a, fields: { url: 'u' } },
      { ...a, fields: { url: 'u', isReady: true, width: 1 } },
    ];
    for (const [i, other] of others.entries()) {
      expect(sameObservation(a, other), `${i}`).toBe(false);
      expect(sameObservation(other, a), `${i} reversed`).toBe(false);
    }
  });
});

describe('a saved plan is already applied', () => {
  // The state the plan produces: 10 updated and created, 20 deleted, 30 as it was.
  const result = new Map<ChangeKey, RemoteResource | null>([
    [key(10), remote(settings(), { updatedAt: 'later' })],
    [key(10, 'calling-settings'), remote(calling(), { updatedAt: 'later' })],
    [key(20), null],
    [key(30, 'recording-settings'), remote(recording(), { updatedAt: 'later' })],
  ]);

  it('when every resource holds its planned result, those the plan leaves alone as they were', () => {
    expect(isAlreadyApplied(plan, result)).toBe(true);
  });

  it('not when a resource the plan leaves alone moved since: that is stale', () => {
    expect(isAlreadyApplied(plan, new Map([...result, [key(30, 'recording-settings'), remote(recording('https://api.acme.example/other/%s'))]]))).toBe(false);
    expect(isAlreadyApplied(plan, new Map([...result, [key(30, 'recording-settings'), null]]))).toBe(false);
  });

  it('not when any one change is still pending', () => {
    expect(isAlreadyApplied(plan, new Map([...result, [key(20), remote()]]))).toBe(false);
    expect(isAlreadyApplied(plan, new Map([...result, [key(10), remote(settings({ isReady: false }))]]))).toBe(false);
    expect(isAlreadyApplied(plan, new Map([...result, [key(10, 'calling-settings'), null]]))).toBe(false);
    expect(isAlreadyApplied(plan, observed)).toBe(false);
  });

  it('not when a changed resource was not read again', () => {
    const partial = new Map(result);
    partial.delete(key(10));
    expect(isAlreadyApplied(plan, partial)).toBe(false);
  });

  it('never for a plan with nothing to do', () => {
    const empty: Plan = buildPlan([app(30, { resources: { 'recording-settings': present(recording()) } })], observed);
    expect(empty.changes.map((c) => c.action)).toEqual(['no-op']);
    expect(isAlreadyApplied(empty, observed)).toBe(false);
  });
});
