import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import type { Change } from '../../../src/plan/model.js';
import { MARKDOWN_BUDGET, markdownMarker, renderFailureMarkdown, renderReportMarkdown } from '../../../src/render/markdown.js';
import { calling, change, connection, finding, outcomes, readmePlan, recording, report } from './report-builders.js';

const GOLDEN = fileURLToPath(new URL('../../fixtures/golden/plan.md', import.meta.url));

const readme = report('plan', readmePlan());

describe('renderReportMarkdown', () => {
  it("matches the golden file for the README's example plan", () => {
    const markdown = renderReportMarkdown(readme);
    if (process.env.UPDATE_GOLDEN === '1') writeFileSync(GOLDEN, markdown);
    expect(markdown).toBe(readFileSync(GOLDEN, 'utf8'));
  });

  it('starts with the marker and states the Terraform summary line counting resources', () => {
    const lines = renderReportMarkdown(readme).split('\n');
    expect(lines[0]).toBe('<!-- hscc:plan channel-connection.yaml -->');
    expect(lines).toContain('**Plan: 2 to create, 2 to update, 2 to delete.**');
  });

  it('names deletes and isReady changes, with direction, before anything else', () => {
    const markdown = renderReportMarkdown(readme);
    const first = markdown.indexOf('#### ⚠️ Review first: 2 deletes, 2 `isReady` changes');
    expect(first).toBeGreaterThan(0);
    expect(first).toBeLessThan(markdown.indexOf('| App |'));
    const block = markdown.slice(first, markdown.indexOf('| App |'));
    expect(block).toContain('- **app 1234567** `calling-settings` `isReady` `absent → true`: The app becomes selectable as a calling provider.');
    expect(block).toContain('- **app 1234567** `channel-connection` `isReady` `false → true`: The app becomes selectable when connecting a number');
    expect(block).toContain('- **app 3456789** `calling-settings` 🗑️ **delete**: Removes the app as a calling option for all connected accounts; cannot be undone.');
    expect(block).toContain('- **app 3456789** `channel-connection` 🗑️ **delete**');
    expect(block).not.toContain('2345678');
  });

  it('tells create, update and delete apart in the action column, warning icons only for warnings', () => {
    const markdown = renderReportMarkdown(report('plan', [...readmePlan(), change(5, 'recording-settings', recording(), recording('https://r.example/%s'))]));
    expect(markdown).toContain('| 1234567 | `calling-settings` | v3 | ➕ create ⚠️ |');
    expect(markdown).toContain('| 1234567 | `recording-settings` | v3 | ➕ create | `urlToRetrieveAuthedRecording` |');
    expect(markdown).toContain('| 2345678 | `calling-settings` | 2026-03 | ✏️ update ⚠️ | `url`, `width` |');
    expect(markdown).toContain('| 3456789 | `channel-connection` | v3 | 🗑️ **delete** ⚠️ |');
    expect(markdown).toContain('| 5 | `recording-settings` | v3 | ✏️ update | `urlToRetrieveAuthedRecording` |');
    expect(markdown).toContain('> ℹ️ HubSpot fetches call recordings from the new URL from now on.');
    expect(markdown).toContain('| 4567890 | `calling-settings` | v3 | no-op | — |');
  });

  it('says there are no changes when every resource is no-op', () => {
    const markdown = renderReportMarkdown(report('plan', [change(7, 'calling-settings', calling(), calling())]));
    expect(markdown).toContain('**No changes. Remote settings match the configuration.**');
    expect(markdown).not.toContain('<details>');
    expect(markdown).not.toContain('Review first');
  });

  it('marks a targeted run in the marker and as partial', () => {
    const markdown = renderReportMarkdown(report('plan', readmePlan(), { targets: [1234567, 3456789] }));
    expect(markdown.split('\n')[0]).toBe('<!-- hscc:plan channel-connection.yaml target=1234567,3456789 -->');
    expect(markdown).toContain('> **Note:** the plan is partial: only apps 1234567, 3456789 (`--target`).');
  });

  it('escapes user-controlled text in code spans and prose', () => {
    const nasty = 'https://example.com/a|b`c<script>';
    const create = change(9, 'channel-connection', null, connection({ url: nasty }));
    const markdown = renderReportMarkdown(
      report('apply', [create], { outcomes: outcomes([[create, { applied: false, error: { message: 'bad <b>url</b> | *x*', correlationId: 'abc|`1', hint: 'needs <i>scope</i>' } }]]) }),
    );
    expect(markdown).toContain('- `url`: _(none)_ → ``https://example.com/a|b`c<script>``');
    // HubSpot's text is literal in a code span; hscc's hint is escaped prose.
    expect(markdown).toContain('✗ failed: `bad <b>url</b> | *x*` (correlationId ``abc|`1``) Hint: needs &lt;i&gt;scope&lt;/i&gt;');
    // Outside code spans, no markup survives.
    expect(markdown.split('`bad <b>url</b> | *x*`').join('')).not.toContain('<b>');
    const rows = markdown.split('\n').filter((line) => line.startsWith('| '));
    for (const row of rows) expect(row.split('|')).toHaveLength(8);
  });

  it('uses a fence longer than any backtick run in a diff', () => {
    const markdown = renderReportMarkdown(report('plan', [change(3, 'channel-connection', null, connection({ url: 'https://x.example/```' }))]));
    expect(markdown).toContain('````diff\n');
  });

  it('folds a unified JSON diff per change, fields in descriptor order', () => {
    const markdown = renderReportMarkdown(readme);
    expect(markdown.match(/<details><summary>JSON diff<\/summary>/g)).toHaveLength(6);
    expect(markdown).toContain('--- app-1234567/channel-connection/remote.json\n+++ app-1234567/channel-connection/config.json');
    expect(markdown).toContain('-  "isReady": false\n+  "isReady": true');
    expect(markdown).toContain('+  "name": "Acme Phone",\n+  "url": "https://app.acme.example/hubspot/dialer",\n+  "width": 400,');
  });

  describe('apply', () => {
    const changes = readmePlan();
    const [create, recordingCreate, ready, dialer] = changes as [Change, Change, Change, Change];

    it('reports every outcome, and "Run apply again" only when a rerun can fix it', () => {
      const rerunnable = renderReportMarkdown(
        report('apply', [create, recordingCreate, ready, dialer], {
          outcomes: outcomes([
            [create, { applied: true }],
            [recordingCreate, { applied: false, note: 'already as planned' }],
            [ready, { applied: true }],
            [dialer, { applied: false, error: { message: 'HubSpot answered 503 (correlationId below)', correlationId: 'c0ffee', rerunnable: true } }],
          ]),
        }),
      );
      expect(rerunnable.split('\n')[0]).toBe('<!-- hscc:apply channel-connection.yaml -->');
      expect(rerunnable).toContain('**Apply failed: 2 applied, 1 already as planned, 1 failed.** Run apply again to converge.');
      const saved = renderReportMarkdown({ ...report('apply', [create, dialer], { outcomes: outcomes([[create, { applied: true }], [dialer, { applied: false, error: { message: '503', rerunnable: true } }]]) }), savedPlan: true });
      expect(saved).toContain('**Apply failed: 1 applied, 1 failed.** Its own writes made the saved plan stale: plan again, review it, and apply the new plan.');
      expect(rerunnable).toContain('| 1234567 | `recording-settings` | v3 | ➕ create | `urlToRetrieveAuthedRecording` | = already as planned |');
      expect(rerunnable).toContain('| 2345678 | `calling-settings` | 2026-03 | ✏️ update ⚠️ | `url`, `width` | ✗ failed |');
      expect(rerunnable).toContain('**Result:** ✗ failed: `HubSpot answered 503 (correlationId below)` (correlationId `c0ffee`)');
      expect(rerunnable).toContain('- **app 1234567** `channel-connection` `isReady` `false → true`: The app becomes selectable when connecting a number, in every installing portal. (✓ applied)');

      const validation = renderReportMarkdown(
        report('apply', [create], { outcomes: outcomes([[create, { applied: false, error: { message: '400 VALIDATION_ERROR', rerunnable: false } }]]) }),
      );
      expect(validation).not.toContain('Run apply again');
      expect(validation).toContain('**Apply failed: 0 applied, 1 failed.** A rerun will not fix every error');
    });

    it('reports an interrupted apply', () => {
      const markdown = renderReportMarkdown(
        report('apply', [create, ready], {
          interrupted: true,
          outcomes: outcomes([[create, { applied: true }], [ready, { applied: false, attempted: false, error: { message: 'interrupted: not attempted', rerunnable: true } }]]),
        }),
      );
      expect(markdown).toContain('**Apply interrupted: 1 applied, 0 failed, 1 not attempted.** Run apply again to converge.');
      expect(markdown).toContain('| ⏸ not attempted |');
      expect(markdown).toContain('**Result:** ⏸ interrupted: not attempted');
    });

    it('a change a failure blocked says why it was not attempted', () => {
      const markdown = renderReportMarkdown(
        report('apply', [create, ready], {
          outcomes: outcomes([
            [create, { applied: false, error: { message: '400 VALIDATION_ERROR', rerunnable: false } }],
            [ready, { applied: false, attempted: false, error: { message: 'not attempted: its calling settings failed first', rerunnable: false } }],
          ]),
        }),
      );
      expect(markdown).toContain('**Result:** ⏸ not attempted: its calling settings failed first');
      expect(markdown).not.toContain('interrupted');
    });
  });

  describe('drift', () => {
    it('speaks of the present, for settings and webhooks alike', () => {
      const webhooks = new Map([
        [11, [finding()]],
        [
          13,
          [
            finding(),
            finding({
              status: 'mismatch',
              portalId: 42,
              missing: [{ e164PhoneNumber: '+14155552671', friendlyName: 'Support line' }],
              unexpected: [
                { e164PhoneNumber: '+442071838750', extension: '12', friendlyName: 'London_desk' },
                { e164PhoneNumber: '+442071838751', extension: '1\u001b[2J', friendlyName: 'Paris\u202eevil\u0007' },
              ],
            }),
            finding({ status: 'mismatch', portalId: 42, userId: 7, changedFriendlyName: [{ e164PhoneNumber: '+4930123456', expected: 'Berlin', actual: 'Berlin <old>' }] }),
            finding({ status: 'error', portalId: 43, error: 'timed out after 30 s' }),
          ],
        ],
      ]);
      const markdown = renderReportMarkdown(
        report(
          'drift',
          [
            change(11, 'channel-connection', connection(), connection(), { drift: true }),
            change(13, 'calling-settings', calling({ isReady: false }), calling(), { drift: true }),
            change(13, 'channel-connection', connection(), connection(), { drift: true }),
          ],
          { webhooks },
        ),
      );
      expect(markdown.split('\n')[0]).toBe('<!-- hscc:drift channel-connection.yaml -->');
      expect(markdown).toContain('**Drift detected in 1 app:** 1 resource with settings drift, 1 app whose webhook differs or fails.');
      expect(markdown).toContain('#### ⚠️ Check first: 1 `isReady` difference');
      expect(markdown).toContain('- **app 13** `calling-settings` HubSpot has `isReady = false`; the config declares `true`: The app is not selectable as a calling provider now.');
      expect(markdown).toContain('- HubSpot has `isReady = false`; the config declares `true`');
      expect(markdown).toContain('| 13 | `calling-settings` | v3 | ✏️ differs ⚠️ | `isReady` |');
      expect(markdown).toContain('**portal 42** `https://calling.example.com/hubspot/numbers` answers other numbers than the config declares:');
      expect(markdown).toContain('- the webhook does not answer `+14155552671` `Support line`; the config declares it');
      expect(markdown).toContain('- the webhook answers `+442071838750` ext. `12` `London_desk`; the config does not declare it');
      expect(markdown).toContain('- the webhook answers `+442071838751` ext. `1\\x1b[2J` `Paris\\u202eevil\\x07`; the config does not declare it');
      expect(markdown).toContain('**portal 42, user 7** `https://calling.example.com/hubspot/numbers` answers other numbers');
      expect(markdown).toContain('- the webhook answers `+4930123456` as `Berlin <old>`; the config declares `Berlin`');
      expect(markdown).toContain('**portal 43** `https://calling.example.com/hubspot/numbers`: ✗ error: `timed out after 30 s`');
      expect(markdown).not.toMatch(/will |→/);
      expect(markdown).not.toMatch(/[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u202e]/);
    });

    it("keeps a webhook's friendly names literal: no @mention, #reference or link reaches GitHub", async () => {
      const { marked } = await import('marked');
      const hostile = '@acme/support see #12 https://evil.example';
      const webhooks = new Map([
        [
          7,
          [
            finding({
              status: 'mismatch',
              portalId: 42,
              unexpected: [{ e164PhoneNumber: '+14155552671', friendlyName: hostile }],
              changedFriendlyName: [{ e164PhoneNumber: '+14155552672', expected: 'Desk', actual: `${hostile} ״ב״` }],
            }),
          ],
        ],
      ]);
      const markdown = renderReportMarkdown(report('drift', [change(7, 'channel-connection', connection(), connection(), { drift: true })], { webhooks }));
      const html = await marked.parse(markdown);
      // Outside code elements the hostile text must not appear at all (GitHub links only there).
      const outsideCode = html.replace(/<code>[^]*?<\/code>/g, '');
      expect(html).toContain(`<code>${hostile}</code>`);
      expect(outsideCode).not.toMatch(/@acme|#12|evil\.example/);
    });

    it('a webhook answering 10,000 other numbers: its section lists 30 and counts the rest, and stays in the comment', () => {
      const unexpected = Array.from({ length: 10_000 }, (_, i) => ({ e164PhoneNumber: `+1415555${String(i).padStart(4, '0')}`, friendlyName: `Line ${i}` }));
      const webhooks = new Map([[7, [finding({ status: 'mismatch', portalId: 42, unexpected })]]]);
      const markdown = renderReportMarkdown(report('drift', [change(7, 'channel-connection', connection(), connection(), { drift: true })], { webhooks }));
      expect(markdown).toContain('#### App 7 · webhook');
      expect(markdown.match(/^- the webhook answers /gm)).toHaveLength(30);
      expect(markdown).toContain('- … and 9970 more: `hscc drift --probe --json` lists them all');
      expect(markdown.length).toBeLessThan(MARKDOWN_BUDGET);
    });

    it('names a missing resource the config declares ready without inventing a value', () => {
      const markdown = renderReportMarkdown(report('drift', [change(5, 'channel-connection', null, connection(), { drift: true })]));
      expect(markdown).toContain('- **app 5** `channel-connection` HubSpot has none; the config declares `isReady = true`: HubSpot has no channel connection for this app');
      expect(markdown).toContain('| 5 | `channel-connection` | v3 | ➕ missing in HubSpot ⚠️ | all 2 fields |');
      expect(markdown).toContain('- HubSpot has none; the config declares them.');
    });

    it('calls a resource the config declares absent what it is, not a delete', () => {
      const markdown = renderReportMarkdown(report('drift', [change(6, 'calling-settings', calling(), null, { drift: true })]));
      expect(markdown).toContain('#### ⚠️ Check first: 1 resource HubSpot has but the config declares absent');
      expect(markdown).toContain('| 6 | `calling-settings` | v3 | 🗑️ **declared absent** ⚠️ | all 9 fields |');
      expect(markdown).not.toMatch(/delete|not declared/);
    });

    it('says in sync for drift without changes', () => {
      const markdown = renderReportMarkdown(
        report('drift', [change(1, 'channel-connection', connection(), connection(), { drift: true })], { webhooks: new Map([[1, [finding()]]]) }),
      );
      expect(markdown).toContain('**No drift. Remote settings match the configuration.** Every probed webhook answers the declared numbers.');
    });

    it('shows values that differ only by a backtick or a line break as different', () => {
      const changes = [
        change(1, 'calling-settings', calling({ name: 'a`b' }), calling({ name: 'a b' }), { drift: true }),
        change(2, 'calling-settings', calling({ name: 'a\nb' }), calling({ name: 'a b' }), { drift: true }),
      ];
      const markdown = renderReportMarkdown(report('drift', changes));
      expect(markdown).toContain('- HubSpot has ``name = a`b``; the config declares `a b`');
      expect(markdown).toContain('- HubSpot has `name = a\\nb`; the config declares `a b`');
    });

    it('keeps bidi controls out of the JSON diff too, as JSON escapes', () => {
      const markdown = renderReportMarkdown(report('drift', [change(3, 'calling-settings', calling({ name: 'Desk\u202eevil' }), calling(), { drift: true })]));
      expect(markdown).toContain('-  "name": "Desk\\u202eevil",');
      expect(markdown).not.toContain('\u202e');
    });

    it('does not say every webhook answers when one could not be checked', () => {
      const webhooks = new Map([[1, [finding(), finding({ status: 'error', portalId: 43, error: 'timed out after 30 s' })]]]);
      const markdown = renderReportMarkdown(report('drift', [change(1, 'channel-connection', connection(), connection(), { drift: true })], { webhooks }));
      expect(markdown).not.toContain('Every probed webhook answers');
      expect(markdown).toContain('**No settings drift, but the webhook of app 1 could not be checked.**');
    });
  });

  it('isolates right-to-left values, so the arrow keeps before → after in reading order', () => {
    const rtl = change(201, 'calling-settings', calling({ name: 'שירות לקוחות' }), calling({ name: 'מוקד חדש' }));
    const markdown = renderReportMarkdown(report('plan', [rtl]));
    expect(markdown).toContain('- `name`: <span dir="auto">`שירות לקוחות`</span> → <span dir="auto">`מוקד חדש`</span>');
    // Left-to-right values stay plain code spans.
    const ltr = renderReportMarkdown(report('plan', [change(202, 'calling-settings', calling(), calling({ name: 'Acme 2' }))]));
    expect(ltr).toContain('- `name`: `Acme Phone` → `Acme 2`');
  });

  describe('failure', () => {
    it('says what failed, with the marker of the run', () => {
      const markdown = renderFailureMarkdown({
        kind: 'plan',
        configPaths: ['environments/production/*.yaml'],
        targets: [42],
        failure: { message: 'could not read the settings of 1 of 2 apps: GET /crm/v3/… answered 401', correlationId: 'f00' },
      });
      expect(markdown.split('\n')[0]).toBe('<!-- hscc:plan environments/production/*.yaml target=42 -->');
      expect(markdown).toContain('**hscc plan failed.**');
      expect(markdown).toContain('> ❌ **error:** `could not read the settings of 1 of 2 apps: GET /crm/v3/… answered 401 (correlationId f00)`');
      expect(markdown).not.toContain('No changes');
    });

    it('keeps what was planned when a run fails midway', () => {
      const markdown = renderReportMarkdown({ ...readme, failure: { message: 'writing plan.json: disk full' } });
      expect(markdown).toContain('**Plan: 2 to create, 2 to update, 2 to delete.**\n\n> ❌ **error:** `writing plan.json: disk full`');
    });

    it('shows a long failure literally and bounded: no link or markup from a server, and the report fits its budget', () => {
      const lines = Array.from({ length: 2000 }, (_, i) => `  app ${600_000 + i}: GET channel-connection settings failed: 400 VALIDATION_ERROR: see https://evil.example/${i} **now** ${'x'.repeat(900)}`);
      const failure = { message: `could not read 2000 of 2000 resources; nothing was changed:\n${lines.join('\n')}`, hint: 'Re-authorize at https://evil.example/oauth' };
      const markdown = renderFailureMarkdown({ kind: 'plan', configPaths: [], failure });
      expect(markdown.length).toBeLessThan(20_000);
      expect(markdown).toContain('> ❌ **error:**\n> ```text\n> could not read 2000 of 2000 resources; nothing was changed:\n>   app 600000: GET');
      expect(markdown).toContain('> … and 1971 more lines: the run\'s log has them all\n> ```');
      // Each line is cut; the hint keeps hscc's words but no bare link.
      expect(markdown).toMatch(/x+…\n/);
      expect(Math.max(...markdown.split('\n').map((line) => line.length))).toBeLessThanOrEqual('> '.length + 500 + 1);
      expect(markdown).toContain('> Hint: Re-authorize at https&#58;//evil.example/oauth');
      expect(markdown).not.toContain('Truncated');
    });
  });
});

/** A fleet: `count` apps, each with calling and channel-connection changes, three deletes at the highest app ids. */
function fleet(count: number): Change[] {
  const changes: Change[] = [];
  for (let i = 0; i < count; i += 1) {
    const appId = 100_000 + i;
    if (i >= count - 3) {
      changes.push(change(appId, 'channel-connection', connection(), null));
      continue;
    }
    if (i % 3 === 0) changes.push(change(appId, 'calling-settings', null, calling({ isReady: false })));
    else changes.push(change(appId, 'calling-settings', calling({ width: 300 }), calling({ width: 320 })));
    changes.push(change(appId, 'recording-settings', recording(), recording(`https://r.example/${i}/%s`)));
    changes.push(change(appId, 'channel-connection', connection(), connection({ url: `${connection().url as string}/${i}` })));
  }
  return changes;
}

describe('size budget', () => {
  const big = report('plan', fleet(2500));

  it('keeps a 2,500-app plan under the comment limit, every delete named before the table', () => {
    const markdown = renderReportMarkdown(big);
    expect(markdown.length).toBeLessThanOrEqual(MARKDOWN_BUDGET);
    expect(markdown.length).toBeGreaterThan(MARKDOWN_BUDGET - 3000);
    const table = markdown.indexOf('| App |');
    for (const appId of [102_497, 102_498, 102_499]) {
      const named = markdown.indexOf(`- **app ${appId}** \`channel-connection\` 🗑️ **delete**`);
      expect(named).toBeGreaterThan(0);
      expect(named).toBeLessThan(table);
      // Its table row survives too, though ordinary rows before it were cut.
      expect(markdown).toContain(`| ${appId} | \`channel-connection\` | v3 | 🗑️ **delete** ⚠️ |`);
    }
    expect(markdown).toMatch(/> \*\*Truncated\*\* to fit the size limit: JSON diffs omitted; details shown for 0 of 7494 changes; table shows \d+ of 7494 rows, every delete and isReady change included\./);
    expect(markdown).not.toContain('<details>');
  });

  it('cuts in order at every budget: diffs, ordinary details, critical details, ordinary rows, critical rows, names', () => {
    const changes = [
      change(1, 'calling-settings', calling({ width: 1 }), calling({ width: 2 })),
      change(2, 'recording-settings', recording(), recording('https://r.example/%s')),
      change(3, 'channel-connection', connection(), null),
      change(4, 'channel-connection', connection({ isReady: true }), connection({ isReady: false })),
      change(5, 'calling-settings', calling({ width: 1 }), calling({ width: 2 })),
    ];
    const subject = report('plan', changes);
    const full = renderReportMarkdown(subject, { budget: 1_000_000 });
    const ordinaryRows = ['| 1 | `calling-settings`', '| 2 | `recording-settings`', '| 5 | `calling-settings`'];
    const criticalRows = ['| 3 | `channel-connection`', '| 4 | `channel-connection`'];
    const ordinaryDetails = ['#### ✏️ App 1 ·', '#### ✏️ App 2 ·', '#### ✏️ App 5 ·'];
    const criticalDetails = ['#### 🗑️ App 3 ·', '#### ✏️ App 4 ·'];
    const names = ['- **app 3** `channel-connection` 🗑️ **delete**', '- **app 4** `channel-connection` `isReady` `true → false`'];
    const any = (markdown: string, parts: string[]) => parts.some((part) => markdown.includes(part));
    const every = (markdown: string, parts: string[]) => parts.every((part) => markdown.includes(part));
    const seen = new Set<string>();
    for (let budget = full.length; budget >= 700; budget -= 7) {
      const markdown = renderReportMarkdown(subject, { budget });
      expect(markdown.length, `budget ${budget}`).toBeLessThanOrEqual(budget);
      expect(markdown.split('\n')[0]).toBe('<!-- hscc:plan channel-connection.yaml -->');
      expect(markdown).toContain('**Plan: 0 to create, 4 to update, 1 to delete.**');
      expect(markdown).toContain('#### ⚠️ Review first: 1 delete, 1 `isReady` change');
      if (markdown.includes('<details>')) expect(markdown).toBe(full);
      if (any(markdown, ordinaryDetails)) expect(every(markdown, criticalDetails), `budget ${budget}`).toBe(true);
      if (any(markdown, [...criticalDetails, ...ordinaryDetails])) expect(every(markdown, [...ordinaryRows, ...criticalRows])).toBe(true);
      if (any(markdown, ordinaryRows)) expect(every(markdown, criticalRows), `budget ${budget}`).toBe(true);
      if (any(markdown, criticalRows)) expect(every(markdown, names)).toBe(true);
      if (markdown !== full) expect(markdown).toMatch(/> \*\*Truncated\*\* to fit the size limit: JSON diffs omitted/);
      seen.add([markdown.includes('<details>'), any(markdown, ordinaryDetails), any(markdown, criticalDetails), any(markdown, ordinaryRows), any(markdown, criticalRows), every(markdown, names)].join());
    }
    // The walk passed through every stage, down to names only.
    expect(seen.size).toBeGreaterThanOrEqual(5);
    expect(seen).toContain('false,false,false,false,false,true');
  });

  it('shows where rows were cut', () => {
    const markdown = renderReportMarkdown(big);
    expect(markdown).toMatch(/\| … \| _\d+ more rows not shown_ \| \| \| \|\n\| 102497 \|/);
  });

  it('keeps the count of deletes and isReady changes when even their names do not fit', () => {
    const deletes = Array.from({ length: 400 }, (_, i) => change(1000 + i, 'channel-connection', connection(), null));
    const markdown = renderReportMarkdown(report('plan', deletes), { budget: 4000 });
    expect(markdown.length).toBeLessThanOrEqual(4000);
    expect(markdown).toContain('#### ⚠️ Review first: 400 deletes');
    // Named for what the list holds: only deletes here.
    expect(markdown).toMatch(/- _…and \d+ more deletes not shown: see the JSON output\._/);
    expect(markdown).toContain('**Plan: 0 to create, 0 to update, 400 to delete.**');
    const flips = Array.from({ length: 400 }, (_, i) => change(1000 + i, 'channel-connection', connection({ isReady: false }), connection()));
    expect(renderReportMarkdown(report('plan', flips), { budget: 4000 })).toMatch(/- _…and \d+ more `isReady` changes not shown: see the JSON output\._/);
  });

  it('counts with the measure given, e.g. UTF-8 bytes', () => {
    const bytes = (text: string) => Buffer.byteLength(text, 'utf8');
    const markdown = renderReportMarkdown(big, { budget: 200_000, measure: bytes });
    expect(bytes(markdown)).toBeLessThanOrEqual(200_000);
    expect(bytes(markdown)).toBeGreaterThan(190_000);
  });
});

describe('markdownMarker', () => {
  it('is the same for the same arguments whatever the content', () => {
    const other = report('plan', [change(1, 'channel-connection', null, connection())]);
    expect(renderReportMarkdown(other).split('\n')[0]).toBe(renderReportMarkdown(readme).split('\n')[0]);
    expect(markdownMarker('plan', ['environments/production/*.yaml'])).toBe('<!-- hscc:plan environments/production/*.yaml -->');
  });

  it('differs by kind, paths and targets, and defaults to channel-connection.yaml', () => {
    expect(markdownMarker('drift', [])).toBe('<!-- hscc:drift channel-connection.yaml -->');
    expect(markdownMarker('plan', ['a.yaml'])).not.toBe(markdownMarker('apply', ['a.yaml']));
    expect(markdownMarker('plan', ['a.yaml', 'b.yaml'])).not.toBe(markdownMarker('plan', ['a.yaml b.yaml']));
    expect(markdownMarker('plan', ['a.yaml'], [1, 2])).toBe('<!-- hscc:plan a.yaml target=1,2 -->');
    expect(markdownMarker('plan', ['a.yaml'], [])).toBe('<!-- hscc:plan a.yaml -->');
  });

  it('cannot end the HTML comment early', () => {
    const marker = markdownMarker('plan', ['x-->y.yaml', '<b>--', 'a--b']);
    expect(marker.slice(4, -3)).not.toMatch(/--|<|>/);
  });

  it('holds no raw control character; each is percent-encoded as UTF-8, one token per path', () => {
    const marker = markdownMarker('plan', ['ctl\u001b[31m.yaml', 'rtl\u202e.yaml', 'tab\there.yaml', 'line\u2028sep.yaml']);
    expect(marker).toBe('<!-- hscc:plan ctl%1B[31m.yaml rtl%E2%80%AE.yaml tab%09here.yaml line%E2%80%A8sep.yaml -->');
  });

  it('hashes marker text over 300 characters, targets included', () => {
    const paths = Array.from({ length: 100 }, (_, i) => `environments/team-${i}/*.yaml`);
    expect(markdownMarker('plan', paths)).toMatch(/^<!-- hscc:plan sha256:[0-9a-f]{16} -->$/);
    expect(markdownMarker('plan', paths)).toBe(markdownMarker('plan', [...paths]));
    expect(markdownMarker('plan', paths, [1])).not.toBe(markdownMarker('plan', paths));
    const exactly300 = ['x'.repeat(300)];
    expect(markdownMarker('plan', exactly300)).toBe(`<!-- hscc:plan ${'x'.repeat(300)} -->`);
    expect(markdownMarker('plan', ['x'.repeat(301)])).toMatch(/sha256:/);
  });
});
