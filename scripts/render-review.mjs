// Looks at the markdown view the way a reviewer does (issue 9, item 3):
// renders a 2,500-app plan (creates, updates, three deletes at the highest
// app ids, several resources) as a PR comment and as a step summary, turns
// each into HTML with a GitHub-like stylesheet, screenshots the comment
// with headless Chromium, and prints the sizes and where the deletes are.
//
//   node scripts/render-review.mjs [OUT_DIR]     (default: $TMPDIR/hscc-render-review)
//
// Needs `chromium` on PATH for the screenshot (skipped with a note otherwise).
// The renderer and the view tests' builders (test/unit/render/report-builders.ts)
// are TypeScript: esbuild bundles them into OUT_DIR first, so this works
// without `npm run build`.
import { spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { build } from 'esbuild';
import { marked } from 'marked';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const outDir = process.argv[2] ?? join(tmpdir(), 'hscc-render-review');
mkdirSync(outDir, { recursive: true });

const APPS = 2500;
const FIRST_APP_ID = 1_000_000;

const entry = join(outDir, 'renderer.mjs');
await build({
  stdin: {
    contents: [
      `export { renderReportMarkdown, MARKDOWN_BUDGET } from ${JSON.stringify(join(root, 'src/render/markdown.ts'))};`,
      `export { STEP_SUMMARY_LIMIT_BYTES } from ${JSON.stringify(join(root, 'src/render/step-summary.ts'))};`,
      // The view tests' fixtures and change builder, so this plan is built as theirs are.
      `export { calling, change, connection, recording, report } from ${JSON.stringify(join(root, 'test/unit/render/report-builders.ts'))};`,
    ].join('\n'),
    resolveDir: root,
    loader: 'ts',
  },
  outfile: entry,
  bundle: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  logLevel: 'warning',
});
const { renderReportMarkdown, MARKDOWN_BUDGET, STEP_SUMMARY_LIMIT_BYTES, calling, change: changeOf, connection, recording, report: reportOf } = await import(
  pathToFileURL(entry).href
);

/** A change as the plan builder makes it; even app ids are on 2026-03, odd ones on v3. */
const change = (appId, resource, before, after) => changeOf(appId, resource, before, after, { apiVersion: appId % 2 === 0 ? '2026-03' : 'v3' });

const changes = [];
for (let i = 0; i < APPS; i += 1) {
  const appId = FIRST_APP_ID + i;
  if (i >= APPS - 3) {
    // The three deletes, at the highest app ids: the last rows of any table.
    changes.push(change(appId, 'channel-connection', connection(), null));
    continue;
  }
  if (i % 5 === 0) {
    changes.push(change(appId, 'calling-settings', null, calling({ isReady: false })));
    changes.push(change(appId, 'recording-settings', null, recording()));
  } else {
    changes.push(change(appId, 'calling-settings', calling({ width: 380 }), calling()));
    changes.push(change(appId, 'recording-settings', recording(), recording()));
  }
  changes.push(change(appId, 'channel-connection', connection(), connection({ url: `https://calling.example.com/hubspot/numbers/${i}` })));
}
const report = reportOf('plan', changes, { configPaths: ['environments/production/*.yaml'] });
const { summary } = report.plan;

const comment = renderReportMarkdown(report);
const stepSummary = renderReportMarkdown(report, {
  budget: STEP_SUMMARY_LIMIT_BYTES - 2,
  measure: (text) => Buffer.byteLength(text, 'utf8'),
});

/** Line numbers (1-based) and character offsets of each delete's mentions. */
function deletesIn(markdown) {
  const lines = markdown.split('\n');
  const deleted = changes.filter((item) => item.action === 'delete').map((item) => item.appId);
  return deleted.map((appId) => {
    const at = lines.flatMap((line, index) => (line.includes(String(appId)) ? [index + 1] : []));
    return { appId, lines: at, firstOffset: markdown.indexOf(String(appId)) };
  });
}

const STYLE = `
body { margin: 0; background: #fff; }
.comment { box-sizing: border-box; max-width: 980px; margin: 24px auto; border: 1px solid #d0d7de; border-radius: 6px; }
.comment-header { background: #f6f8fa; border-bottom: 1px solid #d0d7de; padding: 8px 16px; font: 14px -apple-system, "Segoe UI", Helvetica, Arial, sans-serif; color: #57606a; }
.markdown-body { padding: 16px; font: 14px/1.5 -apple-system, BlinkMacSystemFont, "Segoe UI", "Noto Sans", Helvetica, Arial, sans-serif, "Noto Color Emoji"; color: #1f2328; word-wrap: break-word; }
.markdown-body h3 { font-size: 1.25em; font-weight: 600; margin: 24px 0 16px; }
.markdown-body h4 { font-size: 1em; font-weight: 600; margin: 24px 0 16px; }
.markdown-body h3:first-child { margin-top: 0; }
.markdown-body p, .markdown-body ul, .markdown-body table, .markdown-body blockquote, .markdown-body details, .markdown-body pre { margin: 0 0 16px; }
.markdown-body ul { padding-left: 2em; }
.markdown-body code { padding: .2em .4em; font: 85% ui-monospace, SFMono-Regular, Menlo, Consolas, monospace; background: rgba(175,184,193,.2); border-radius: 6px; }
.markdown-body pre { padding: 16px; overflow: auto; background: #f6f8fa; border-radius: 6px; }
.markdown-body pre code { padding: 0; background: transparent; }
.markdown-body blockquote { padding: 0 1em; color: #656d76; border-left: .25em solid #d0d7de; }
.markdown-body table { display: block; width: max-content; max-width: 100%; overflow: auto; border-spacing: 0; border-collapse: collapse; }
.markdown-body th, .markdown-body td { padding: 6px 13px; border: 1px solid #d0d7de; }
.markdown-body th { font-weight: 600; }
.markdown-body tr:nth-child(2n) { background: #f6f8fa; }
`;

/** `tail`: the comment anchored to the bottom of a `tail`-pixel viewport, to see its end without scrolling. */
function page(title, markdown, tail) {
  const anchor = tail === undefined ? '' : `body { height: ${tail}px; overflow: hidden; position: relative; } .comment { position: absolute; bottom: 0; left: 0; right: 0; }`;
  return `<!doctype html><html><head><meta charset="utf-8"><title>${title}</title><style>${STYLE}${anchor}</style></head><body>
<div class="comment"><div class="comment-header"><b>github-actions</b> commented</div>
<div class="markdown-body">${marked.parse(markdown, { gfm: true })}</div></div>
</body></html>`;
}

writeFileSync(join(outDir, 'comment.md'), comment);
writeFileSync(join(outDir, 'step-summary.md'), stepSummary);
writeFileSync(join(outDir, 'comment.html'), page('hscc plan comment', comment));
writeFileSync(join(outDir, 'comment-tail.html'), page('hscc plan comment (end)', comment, 1800));
// The README's example plan, as the golden test pins it.
writeFileSync(join(outDir, 'readme-example.html'), page('hscc plan (README example)', readFileSync(join(root, 'test/fixtures/golden/plan.md'), 'utf8')));
writeFileSync(join(outDir, 'step-summary.html'), page('hscc step summary', stepSummary));

/** A viewport screenshot of OUT_DIR/NAME.html. */
function screenshot(name, height) {
  const png = join(outDir, `${name}.png`);
  const result = spawnSync(
    'chromium',
    ['--headless', '--no-sandbox', '--disable-gpu', '--hide-scrollbars', `--screenshot=${png}`, `--window-size=1280,${height}`, pathToFileURL(join(outDir, `${name}.html`)).href],
    { encoding: 'utf8', timeout: 120_000 },
  );
  if (result.error !== undefined || result.status !== 0) return `not taken (${result.error?.message ?? result.stderr.trim().split('\n').at(-1)})`;
  return png;
}

const figures = {
  apps: APPS,
  changes: changes.length,
  summary,
  comment: {
    characters: comment.length,
    budget: MARKDOWN_BUDGET,
    tableRows: comment.split('\n').filter((line) => /^\| \d/.test(line)).length,
    lines: comment.split('\n').length,
    deletes: deletesIn(comment),
    screenshots: [screenshot('comment', 1800), screenshot('comment-tail', 1800), screenshot('readme-example', 2400)],
  },
  stepSummary: {
    characters: stepSummary.length,
    bytes: Buffer.byteLength(stepSummary, 'utf8'),
    budgetBytes: STEP_SUMMARY_LIMIT_BYTES,
    tableRows: stepSummary.split('\n').filter((line) => /^\| \d/.test(line)).length,
    lines: stepSummary.split('\n').length,
    deletes: deletesIn(stepSummary),
  },
  outDir,
};
process.stdout.write(`${JSON.stringify(figures, null, 2)}\n`);
