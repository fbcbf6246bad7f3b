import { describe, expect, it } from 'vitest';
import { createPalette } from '../../../src/render/palette.js';
import { renderApplyText, renderPlanText } from '../../../src/render/text.js';
import { calling, change, connection, finding, outcomes, readmePlan, recording, report } from './report-builders.js';

const plain = createPalette(false);

describe('renderPlanText', () => {
  const text = renderPlanText(report('plan', readmePlan()), plain);

  it('renders one Terraform-style block per app and resource, fields in descriptor order', () => {
    expect(text).toContain('  # app 1234567 calling-settings will be created (api v3)\n  + calling-settings "1234567" {\n      + name                   = "Acme Phone"\n      + url                    = "https://app.acme.example/hubspot/dialer"\n      + width                  = 400\n');
    expect(text).toContain('  # app 1234567 recording-settings will be created (api v3)\n  + recording-settings "1234567" {\n      + urlToRetrieveAuthedRecording = "https://api.acme.example/recordings/%s"\n    }');
    expect(text).toContain('  # app 1234567 channel-connection will be updated in place (api v3)\n  ~ channel-connection "1234567" {\n      ~ isReady = false -> true\n        # (1 unchanged attribute hidden)\n    }');
    expect(text).toContain('  ~ calling-settings "2345678" {\n      ~ url   = "https://app.acme.example/hubspot/dialer" -> "https://app.acme.example/hubspot/dialer-v2"\n      ~ width = 400 -> 420\n        # (7 unchanged attributes hidden)\n    }');
    expect(text).toContain('  # app 3456789 channel-connection will be deleted (api v3)\n  - channel-connection "3456789" {\n      - url     = "https://old.example.com/hook"\n      - isReady = true\n    }');
    expect(text).not.toContain('4567890');
  });

  it('closes with the summary line counting resources', () => {
    expect(text.trimEnd().split('\n').at(-1)).toBe('Plan: 2 to create, 2 to update, 2 to delete.');
  });

  it('puts impacts under their block, warnings marked !, others i', () => {
    expect(text).toContain('    }\n    ! The app becomes selectable when connecting a number, in every installing portal.');
    expect(text).toContain('    ! Removes the app as a calling option for all connected accounts; cannot be undone.');
    expect(text).toContain('    ! HubSpot loads the dialer from the new URL from now on.');
    const recordingUpdate = renderPlanText(report('plan', [change(5, 'recording-settings', recording(), recording('https://r.example/%s'))]), plain);
    expect(recordingUpdate).toContain('    i HubSpot fetches call recordings from the new URL from now on.');
  });

  it('escapes control characters in impacts, which a saved plan brings to show', () => {
    const forged = change(6, 'calling-settings', calling(), calling({ isReady: false }));
    forged.impacts = [{ kind: 'forged', message: '\u001b[31mRED\u001b[0m \u202e', warning: true }];
    const shown = renderPlanText(report('plan', [forged]), plain);
    expect(shown).toContain('    ! \\x1b[31mRED\\x1b[0m \\u202e\n');
    expect(shown).not.toMatch(/[\u001b\u202e]/);
    expect(renderPlanText(report('drift', [forged]), plain)).toContain('    ! \\x1b[31mRED\\x1b[0m \\u202e\n');
  });

  it('says so when there is nothing to do', () => {
    expect(renderPlanText(report('plan', [change(4, 'calling-settings', calling(), calling())]), plain)).toBe(
      'No changes. Remote settings match the configuration.\n',
    );
  });

  it('says a targeted plan is partial', () => {
    const partial = renderPlanText(report('plan', readmePlan(), { targets: [1234567, 3456789] }), plain);
    expect(partial.split('\n')[0]).toBe('Note: the plan is partial: only apps 1234567, 3456789 (--target).');
    const one = renderPlanText(report('plan', [change(4, 'calling-settings', calling(), calling())], { targets: [4] }), plain);
    expect(one).toContain('the plan is partial: only app 4 (--target).');
  });

  it('uses no escape codes without colour, and some with it', () => {
    expect(text).not.toContain('\u001b[');
    expect(renderPlanText(report('plan', readmePlan()), createPalette(true))).toContain('\u001b[');
  });
});

describe('drift text', () => {
  const drifted = [
    change(7, 'calling-settings', calling({ isReady: false }), calling(), { drift: true }),
    change(7, 'channel-connection', null, connection(), { drift: true }),
    change(8, 'channel-connection', connection({ isReady: true }), connection({ isReady: false }), { drift: true }),
    change(9, 'channel-connection', connection(), connection(), { drift: true }),
  ];

  it('speaks of the present: HubSpot has X; the config declares Y', () => {
    const text = renderPlanText(report('drift', drifted), plain);
    expect(text).toContain('  # app 7 calling-settings differs from the config (api v3)');
    expect(text).toContain('      ~ HubSpot has isReady = false; the config declares true');
    expect(text).toContain('    ! The app is not selectable as a calling provider now.');
    expect(text).toContain('  # app 7 channel-connection is missing in HubSpot (api v3)');
    expect(text).toContain('      HubSpot has none; the config declares url = "https://calling.example.com/hubspot/numbers", isReady = true');
    expect(text).toContain('      ~ HubSpot has isReady = true; the config declares false');
    expect(text).not.toMatch(/will be|-> /);
    expect(text.trimEnd().split('\n').at(-1)).toBe('Drift detected in 2 apps: 3 resources with settings drift.');
  });

  it('words webhook findings the same way, naming portal and user', () => {
    const webhooks = new Map([
      [9, [
        finding(),
        finding({ status: 'mismatch', portalId: 42, missing: [{ e164PhoneNumber: '+14155552671', friendlyName: 'Support' }] }),
        finding({ status: 'mismatch', portalId: 42, userId: 7, changedFriendlyName: [{ e164PhoneNumber: '+4930123456', expected: 'Berlin', actual: 'Berlin old' }] }),
        finding({ status: 'error', portalId: 43, error: 'timed out after 30 s' }),
      ]],
    ]);
    const text = renderPlanText(report('drift', drifted.slice(3), { webhooks }), plain);
    expect(text).toContain('  ✓ app 9 default numbers: https://calling.example.com/hubspot/numbers answers the declared numbers');
    expect(text).toContain('  ~ app 9 portal 42: https://calling.example.com/hubspot/numbers answers other numbers than the config declares');
    expect(text).toContain('      - the webhook does not answer +14155552671 ("Support"); the config declares it');
    expect(text).toContain('  ~ app 9 portal 42, user 7: ');
    expect(text).toContain('      ~ the webhook answers +4930123456 as "Berlin old"; the config declares "Berlin"');
    expect(text).toContain('  ✗ app 9 portal 43: https://calling.example.com/hubspot/numbers: timed out after 30 s');
    expect(text.trimEnd().split('\n').at(-1)).toBe('Drift detected in 1 app: 0 resources with settings drift, 1 app whose webhook differs or fails.');
  });

  it("prints a webhook's hostile text with control characters escaped: no terminal sequence, no forged line, no bidi override", () => {
    const hostile = { e164PhoneNumber: '+14155552671', extension: '1\u001b[31mRED\u0007\r\nFAKE', friendlyName: 'Desk\u202e\u009b' };
    const url = 'http://127.0.0.1:1/hook\u202e\u2028';
    const webhooks = new Map([
      [
        9,
        [
          finding({ status: 'mismatch', unexpected: [hostile], changedFriendlyName: [{ ...hostile, expected: 'Desk', actual: 'x\u2028y' }] }),
          finding({ status: 'error', portalId: 43, url, error: 'content type "text/a\u009b31m" is not application/json' }),
        ],
      ],
    ]);
    const text = renderPlanText(report('drift', drifted.slice(3), { webhooks }), plain);
    expect(text).toContain('the webhook answers +14155552671 ext. 1\\x1b[31mRED\\x07\\r\\nFAKE ("Desk\\u202e\\u009b"); the config does not declare it');
    expect(text).toContain('✗ app 9 portal 43: http://127.0.0.1:1/hook\\u202e\\u2028: content type "text/a\\x9b31m" is not application/json');
    expect(text).toContain('as "x\\u2028y"; the config declares "Desk"');
    expect(text).not.toMatch(/[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u2028\u202e]/);
  });

  it('does not say "No drift" when a webhook could not be checked', () => {
    const webhooks = new Map([[9, [finding(), finding({ status: 'error', portalId: 43, error: 'timed out after 30 s' })]]]);
    const text = renderPlanText(report('drift', drifted.slice(3), { webhooks }), plain);
    expect(text).not.toContain('No drift');
    expect(text.trimEnd().split('\n').at(-1)).toBe('No settings drift, but the webhook of app 9 could not be checked.');
  });

  it('says no drift when everything matches', () => {
    expect(renderPlanText(report('drift', drifted.slice(3)), plain)).toBe('No drift. Remote settings match the configuration.\n');
  });
});

describe('renderApplyText', () => {
  const changes = readmePlan();
  const [create, recordingCreate, ready, dialer, , callingDelete, connectionDelete] = changes as [ReturnType<typeof change>, ...ReturnType<typeof change>[]];

  it('lists every change with its outcome', () => {
    const text = renderApplyText(
      report('apply', changes, {
        outcomes: outcomes([
          [create, { applied: true }],
          [recordingCreate!, { applied: false, note: 'already as planned' }],
          [ready!, { applied: true }],
          [dialer!, { applied: false, error: { message: 'PATCH /settings: 500 Internal Server Error', correlationId: 'abc-123', rerunnable: true } }],
          [callingDelete!, { applied: true }],
          [connectionDelete!, { applied: true }],
        ]),
      }),
      plain,
    );
    expect(text).toContain('✓ app 1234567 calling-settings: created');
    expect(text).toContain('= app 1234567 recording-settings: already as planned');
    expect(text).toContain('✓ app 1234567 channel-connection: updated');
    expect(text).toContain('✗ app 2345678 calling-settings: update failed: PATCH /settings: 500 Internal Server Error (correlationId abc-123)');
    expect(text).toContain('✓ app 3456789 channel-connection: deleted');
    expect(text).not.toContain('4567890');
    expect(text).toContain('Apply failed for 1 of 6 changes (1 failed); 1 created, 1 updated, 2 deleted, 1 already as planned.\nRun apply again to converge.');
  });

  it('after a saved plan wrote something, says to plan again: running the stale plan again would be refused', () => {
    const failedAfterWrites = (savedPlan: boolean, first: { applied: boolean; note?: string }) =>
      renderApplyText(
        report('apply', [create, dialer!], {
          savedPlan,
          outcomes: outcomes([
            [create, first],
            [dialer!, { applied: false, error: { message: 'PATCH /settings: 503', rerunnable: true } }],
          ]),
        }),
        plain,
      );
    expect(failedAfterWrites(true, { applied: true })).toContain(
      '\nThe saved plan is stale now that it wrote to HubSpot: run `hscc plan --out FILE` again, review it, and apply the new plan.\n',
    );
    // Nothing written: the same plan file still applies.
    expect(failedAfterWrites(true, { applied: false, note: 'already as planned' })).toContain('\nRun apply again to converge.\n');
    expect(failedAfterWrites(false, { applied: true })).toContain('\nRun apply again to converge.\n');
  });

  it("puts a failed change's hint on the line under it", () => {
    const hint = 'The access token in HUBSPOT_ACCESS_TOKEN needs scope developers-write (reads need developers-read) and must be allowed to manage app 1234567.';
    const text = renderApplyText(report('apply', [create], { outcomes: outcomes([[create, { applied: false, error: { message: 'POST calling settings failed: 403 MISSING_SCOPES', hint } }]]) }), plain);
    expect(text).toContain(`✗ app 1234567 calling-settings: create failed: POST calling settings failed: 403 MISSING_SCOPES\n  hint: ${hint}\n`);
  });

  it('does not say "Run apply again" after a failure a rerun cannot fix', () => {
    const text = renderApplyText(
      report('apply', [create], { outcomes: outcomes([[create, { applied: false, error: { message: 'HubSpot rejected the settings (400 VALIDATION_ERROR)', rerunnable: false } }]]) }),
      plain,
    );
    expect(text).toContain('✗ app 1234567 calling-settings: create failed: HubSpot rejected the settings (400 VALIDATION_ERROR)');
    expect(text).not.toContain('Run apply again');
    expect(text).toContain('A rerun will not fix these errors');
  });

  it('reports an interrupted apply and the changes never started', () => {
    const text = renderApplyText(
      report('apply', [create, ready!, dialer!], {
        interrupted: true,
        outcomes: outcomes([
          [create, { applied: true }],
          [ready!, { applied: false, attempted: false, error: { message: 'interrupted: not attempted', rerunnable: true } }],
        ]),
      }),
      plain,
    );
    expect(text.split('\n')[0]).toBe('Apply interrupted: no new write was started after the signal.');
    expect(text).toContain('- app 1234567 channel-connection: update interrupted: not attempted');
    expect(text).toContain('- app 2345678 calling-settings: update interrupted: not attempted');
    expect(text).toContain('Apply interrupted for 2 of 3 changes (0 failed, 2 not attempted); 1 created, 0 updated, 0 deleted.\nRun apply again to converge.');
  });

  it('counts changes a failure blocked as not attempted, and as rerunnable as that failure', () => {
    const blocked = (rerunnable: boolean) =>
      renderApplyText(
        report('apply', [create, ready!, dialer!], {
          outcomes: outcomes([
            [create, { applied: false, error: { message: '400 VALIDATION_ERROR: bad', rerunnable } }],
            [ready!, { applied: false, attempted: false, error: { message: 'not attempted: its calling settings failed first', rerunnable } }],
            [dialer!, { applied: false, attempted: false, error: { message: 'not attempted: its calling settings failed first', rerunnable } }],
          ]),
        }),
        plain,
      );
    expect(blocked(false)).toContain('Apply failed for 3 of 3 changes (1 failed, 2 not attempted); 0 created, 0 updated, 0 deleted.\nA rerun will not fix these errors');
    expect(blocked(true)).toContain('(1 failed, 2 not attempted); 0 created, 0 updated, 0 deleted.\nRun apply again to converge.');
    // Each says why it was not attempted, not "interrupted".
    expect(blocked(false)).toContain('- app 1234567 channel-connection: update not attempted: its calling settings failed first\n');
    expect(blocked(false)).not.toContain('interrupted');
  });

  it('a change the client never sent says why, with its hint', () => {
    const reason = 'HubSpot refused writes with the access token in HUBSPOT_ACCESS_TOKEN (403 MISSING_SCOPES for app 5100)';
    const text = renderApplyText(
      report('apply', [create], { outcomes: outcomes([[create, { applied: false, attempted: false, error: { message: `not attempted: ${reason}`, hint: 'needs developers-write', rerunnable: false } }]]) }),
      plain,
    );
    expect(text).toContain(`- app 1234567 calling-settings: create not attempted: ${reason}\n  hint: needs developers-write`);
  });

  it('closes with Apply complete when everything succeeded', () => {
    const text = renderApplyText(report('apply', [create, ready!], { outcomes: outcomes([[create, { applied: true }], [ready!, { applied: true }]]) }), plain);
    expect(text).toContain('Apply complete! Resources: 1 created, 1 updated, 0 deleted.');
  });
});
