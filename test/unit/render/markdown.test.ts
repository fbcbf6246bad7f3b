import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import type { AppConfig, ManagedSettings } from '../../../src/config/model.js';
import { buildPlan } from '../../../src/plan/build-plan.js';
import type { ChangeOutcome, PlanReport, ReportKind, WebhookFinding } from '../../../src/plan/model.js';
import { MARKDOWN_BUDGET, markdownMarker, renderReportMarkdown } from '../../../src/render/markdown.js';

const GOLDEN = fileURLToPath(new URL('../../fixtures/golden/plan.md', import.meta.url));

function app(appId: number, settings: ManagedSettings | null): AppConfig {
  return {
    appId,
    apiVersion: appId % 2 === 0 ? '2026-03' : 'v3',
    ensure: settings === null ? 'absent' : 'present',
    settings,
    phoneNumbers: [],
    source: { file: 'channel-connection.yaml', line: 1, column: 1 },
  };
}

/** Builds a report through the real plan builder, so impacts come from the model. */
function report(
  kind: ReportKind,
  pairs: [declared: AppConfig, observed: ManagedSettings | null][],
  extra: Pick<PlanReport, 'outcomes' | 'webhooks'> = {},
): PlanReport {
  const observed = new Map(pairs.map(([declared, remote]) => [declared.appId, remote === null ? null : { ...remote, updatedAt: '2024-04-30 12:01' }]));
  return { kind, plan: buildPlan(pairs.map(([declared]) => declared), observed), configPaths: ['channel-connection.yaml'], ...extra };
}

const URL_A = 'https://calling.example.com/hubspot/numbers';
const URL_B = 'https://calling-v2.example.com/hubspot/numbers';

/** The README's example: one create, two updates, one delete, two unchanged apps. */
const representative = report('plan', [
  [app(1001, { url: URL_A, isReady: true }), null],
  [app(1002, { url: URL_A, isReady: false }), { url: URL_A, isReady: true }],
  [app(1003, { url: URL_B, isReady: true }), { url: URL_A, isReady: true }],
  [app(1004, null), { url: URL_A, isReady: true }],
  [app(1005, { url: URL_A, isReady: true }), { url: URL_A, isReady: true }],
  [app(1006, null), null],
]);

describe('renderReportMarkdown', () => {
  it('matches the golden file for a representative plan', () => {
    const markdown = renderReportMarkdown(representative);
    if (process.env.UPDATE_GOLDEN === '1') writeFileSync(GOLDEN, markdown);
    expect(markdown).toBe(readFileSync(GOLDEN, 'utf8'));
  });

  it('starts with the marker and states the Terraform summary line', () => {
    const lines = renderReportMarkdown(representative).split('\n');
    expect(lines[0]).toBe('<!-- hscc:plan channel-connection.yaml -->');
    expect(lines).toContain('**Plan: 1 to create, 2 to update, 1 to delete.**');
  });

  it('says there are no changes when every app is no-op', () => {
    const markdown = renderReportMarkdown(report('plan', [[app(7, { url: URL_A, isReady: true }), { url: URL_A, isReady: true }]]));
    expect(markdown).toContain('**No changes. Remote settings match the configuration.**');
    expect(markdown).not.toContain('<details>');
  });

  it('shows a warning for a delete and for each isReady flip, from the model impacts', () => {
    const markdown = renderReportMarkdown(representative);
    const sectionOf = (appId: number) => markdown.slice(markdown.indexOf(`App ${appId} ·`)).split('\n#### ')[0] ?? '';
    expect(sectionOf(1001)).toContain('> ⚠️ The app becomes selectable');
    expect(sectionOf(1002)).toContain('> ⚠️ The app is greyed out');
    expect(sectionOf(1002)).toContain('- `isReady`: `true` → `false`');
    expect(sectionOf(1003)).toContain(`- \`url\`: \`${URL_A}\` → \`${URL_B}\``);
    expect(sectionOf(1003)).not.toContain('⚠️');
    expect(sectionOf(1004)).toContain('> ⚠️ Removes the connection option');
    expect(markdown).toMatch(/\| 1004 \| 2026-03 \| `- delete` ⚠️ \|/);
  });

  it('folds a unified JSON diff per changed app', () => {
    const markdown = renderReportMarkdown(representative);
    expect(markdown.match(/<details><summary>JSON diff<\/summary>/g)).toHaveLength(4);
    expect(markdown).toContain('--- app-1002/remote.json\n+++ app-1002/config.json');
    expect(markdown).toContain('-  "isReady": true\n+  "isReady": false');
  });

  it('lists unchanged apps on one line when there are many', () => {
    const pairs: [AppConfig, ManagedSettings | null][] = [[app(1, { url: URL_A, isReady: true }), null]];
    for (let id = 100; id < 130; id += 1) pairs.push([app(id, { url: URL_A, isReady: true }), { url: URL_A, isReady: true }]);
    const markdown = renderReportMarkdown(report('plan', pairs));
    expect(markdown).toContain('**30 unchanged apps** (no-op): 100, 101,');
    expect(markdown).toContain('119 and 10 more.');
    expect(markdown).not.toMatch(/^\| 100 \|/m);
  });

  it('escapes user-controlled text in tables, code spans and prose', () => {
    const nasty = 'https://example.com/a|b`c<script>';
    const failure: ChangeOutcome = { applied: false, error: { message: 'bad <b>url</b> | *x*', correlationId: 'abc|`1' } };
    const markdown = renderReportMarkdown(
      report('apply', [[app(9, { url: nasty, isReady: true }), null]], { outcomes: new Map([[9, failure]]) }),
    );
    expect(markdown).toContain('- `url`: _(none)_ → ``https://example.com/a|b`c<script>``');
    expect(markdown).toContain('✗ failed: bad &lt;b&gt;url&lt;/b&gt; &#124; \\*x\\* (correlationId ``abc|`1``)');
    expect(markdown).not.toContain('<b>');
    // Every table row still has exactly the header's number of cells.
    const rows = markdown.split('\n').filter((line) => line.startsWith('| '));
    for (const row of rows) expect(row.replace(/\\\|/g, '').split('|')).toHaveLength(7);
  });

  it('uses a fence longer than any backtick run in a diff', () => {
    const markdown = renderReportMarkdown(report('plan', [[app(3, { url: 'https://x.example/```', isReady: true }), null]]));
    expect(markdown).toContain('````diff\n');
  });

  it('reports apply outcomes with counts, errors and correlationIds', () => {
    const outcomes = new Map<number, ChangeOutcome>([
      [1001, { applied: true }],
      [1002, { applied: false, error: { message: 'HubSpot said no (VALIDATION_ERROR)', correlationId: 'c0ffee' } }],
      [1003, { applied: true }],
      [1004, { applied: true }],
      [1005, { applied: false }],
    ]);
    const markdown = renderReportMarkdown({ ...representative, kind: 'apply', outcomes });
    expect(markdown.split('\n')[0]).toBe('<!-- hscc:apply channel-connection.yaml -->');
    expect(markdown).toContain('**Apply failed: 3 applied, 1 failed.**');
    expect(markdown).toMatch(/\| 1001 \| v3 \| `\+ create` ⚠️ \| `url`, `isReady` \| ✓ applied \|/);
    expect(markdown).toMatch(/\| 1002 \| .* \| ✗ failed \|/);
    expect(markdown).toContain('**Result:** ✗ failed: HubSpot said no (VALIDATION\\_ERROR) (correlationId `c0ffee`)');
    expect(markdown).toMatch(/\| 1005 \| v3 \| no-op \| — \| — \|/);
  });

  it('says apply complete when every change was applied', () => {
    const outcomes = new Map<number, ChangeOutcome>([[1, { applied: true }]]);
    const markdown = renderReportMarkdown(report('apply', [[app(1, { url: URL_A, isReady: false }), null]], { outcomes }));
    expect(markdown).toContain('**Apply complete! 1 applied, 0 failed.**');
  });

  it('reports drift with webhook findings', () => {
    const webhooks = new Map<number, WebhookFinding>([
      [11, { status: 'match', url: URL_A, missing: [], unexpected: [], changedFriendlyName: [] }],
      [
        13,
        {
          status: 'mismatch',
          url: URL_A,
          missing: [{ e164PhoneNumber: '+14155552671', friendlyName: 'Support line' }],
          unexpected: [{ e164PhoneNumber: '+442071838750', extension: '12', friendlyName: 'London_desk' }],
          changedFriendlyName: [{ e164PhoneNumber: '+4930123456', expected: 'Berlin', actual: 'Berlin <old>' }],
        },
      ],
      [15, { status: 'error', url: URL_B, missing: [], unexpected: [], changedFriendlyName: [], error: 'timed out after 30 s' }],
    ]);
    const same = { url: URL_A, isReady: true };
    const markdown = renderReportMarkdown(
      report('drift', [[app(11, same), same], [app(13, same), same], [app(15, { url: URL_B, isReady: true }), { url: URL_B, isReady: false }]], { webhooks }),
    );
    expect(markdown.split('\n')[0]).toBe('<!-- hscc:drift channel-connection.yaml -->');
    expect(markdown).toContain('**Drift detected in 2 apps.** 1 with settings drift, 2 webhooks differing or failing.');
    expect(markdown).toMatch(/\| 11 \| v3 \| no-op \| — \| ✓ match \|/);
    expect(markdown).toMatch(/\| 13 \| v3 \| no-op \| — \| ✗ other numbers \|/);
    expect(markdown).toContain('- missing (declared, not answered): `+14155552671` “Support line”');
    expect(markdown).toContain('- unexpected (answered, not declared): `+442071838750` ext. `12` “London\\_desk”');
    expect(markdown).toContain('- friendlyName changed: `+4930123456`: “Berlin” → “Berlin &lt;old&gt;”');
    expect(markdown).toContain(`**Webhook** \`${URL_B}\`: ✗ error: timed out after 30 s`);
  });

  it('says in sync for drift without changes', () => {
    const same = { url: URL_A, isReady: true };
    const webhooks = new Map<number, WebhookFinding>([[1, { status: 'match', url: URL_A, missing: [], unexpected: [], changedFriendlyName: [] }]]);
    const markdown = renderReportMarkdown(report('drift', [[app(1, same), same]], { webhooks }));
    expect(markdown).toContain('**No drift. Remote settings match the configuration.** Every probed webhook answers the declared numbers.');
  });

  describe('size budget', () => {
    const big = report(
      'plan',
      Array.from({ length: 2000 }, (_, i): [AppConfig, ManagedSettings | null] => [
        app(100_000 + i, { url: `${URL_B}/${i}`, isReady: i % 2 === 0 }),
        { url: `${URL_A}/${i}`, isReady: true },
      ]),
    );

    it('keeps a 2,000-app plan under the limit and says what was truncated', () => {
      const markdown = renderReportMarkdown(big);
      expect(markdown.length).toBeLessThanOrEqual(MARKDOWN_BUDGET);
      expect(markdown.length).toBeGreaterThan(MARKDOWN_BUDGET - 2000);
      expect(markdown).toContain('**Plan: 0 to create, 2000 to update, 0 to delete.**');
      expect(markdown).toMatch(/> \*\*Truncated\*\* to stay under GitHub's comment size limit: JSON diffs omitted; details shown for 0 of 2000 apps; table shows \d+ of 2000 apps\. See the CI log or the JSON output \(`hscc plan --json`\)/);
      expect(markdown).not.toContain('<details>');
      expect(markdown).toMatch(/_…and \d+ more apps not shown\._/);
      expect(markdown.trimEnd().endsWith('for the full report.')).toBe(true);
    });

    it('drops JSON diffs before detail sections', () => {
      const full = renderReportMarkdown(representative, { budget: 1_000_000 });
      const withoutDiffs = full.replace(/\n\n<details>[\s\S]*?<\/details>/g, '');
      const markdown = renderReportMarkdown(representative, { budget: withoutDiffs.length + 400 });
      expect(markdown).not.toContain('<details>');
      expect(markdown).toContain('#### `-` App 1004');
      expect(markdown).toContain('JSON diffs omitted. See the CI log');
    });

    it('then drops detail sections past what fits, keeping every table row', () => {
      const withoutDiffs = renderReportMarkdown(representative).replace(/\n\n<details>[\s\S]*?<\/details>/g, '');
      const budget = withoutDiffs.indexOf('#### `~` App 1003') + 400;
      const markdown = renderReportMarkdown(representative, { budget });
      expect(markdown.length).toBeLessThanOrEqual(budget);
      expect(markdown).toContain('#### `~` App 1002');
      expect(markdown).not.toContain('#### `~` App 1003');
      expect(markdown).toMatch(/^\| 1004 \|/m);
      expect(markdown).toContain('details shown for 2 of 4 apps');
    });
  });
});

describe('markdownMarker', () => {
  it('is the same for the same inputs whatever the content', () => {
    const other = report('plan', [[app(1, { url: URL_A, isReady: true }), null]]);
    expect(renderReportMarkdown(other).split('\n')[0]).toBe(renderReportMarkdown(representative).split('\n')[0]);
    expect(markdownMarker('plan', ['environments/production/*.yaml'])).toBe('<!-- hscc:plan environments/production/*.yaml -->');
  });

  it('differs by kind and by paths, and defaults to channel-connection.yaml', () => {
    expect(markdownMarker('drift', [])).toBe('<!-- hscc:drift channel-connection.yaml -->');
    expect(markdownMarker('plan', ['a.yaml'])).not.toBe(markdownMarker('apply', ['a.yaml']));
    expect(markdownMarker('plan', ['a.yaml', 'b.yaml'])).not.toBe(markdownMarker('plan', ['a.yaml b.yaml']));
  });

  it('cannot end the HTML comment early', () => {
    const marker = markdownMarker('plan', ['x-->y.yaml', '<b>--', 'a--b']);
    expect(marker.slice(4, -3)).not.toMatch(/--|<|>/);
  });

  it('hashes very long path lists', () => {
    const paths = Array.from({ length: 100 }, (_, i) => `environments/team-${i}/*.yaml`);
    expect(markdownMarker('plan', paths)).toMatch(/^<!-- hscc:plan sha256:[0-9a-f]{16} -->$/);
    expect(markdownMarker('plan', paths)).toBe(markdownMarker('plan', [...paths]));
  });
});
