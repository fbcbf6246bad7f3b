import { spawnSync } from 'node:child_process';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { parseDocument } from 'yaml';
import { markdownMarker } from '../../../src/render/markdown.js';

const EXAMPLES = fileURLToPath(new URL('../../../examples/', import.meta.url));
const WORKFLOWS = join(EXAMPLES, 'github-actions');
const ENVIRONMENTS = ['staging', 'production'];

const workflowFiles = readdirSync(WORKFLOWS).filter((name) => name.endsWith('.yml'));

type Step = Record<string, unknown> & { name?: string; uses?: string; run?: string; if?: string; with?: Record<string, unknown> };
type Job = Record<string, unknown> & { steps: Step[]; environment?: unknown };

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function readWorkflow(name: string): Record<string, unknown> {
  const document = parseDocument(readFileSync(join(WORKFLOWS, name), 'utf8'));
  expect(document.errors.map((error) => error.message)).toEqual([]);
  expect(document.warnings.map((warning) => warning.message)).toEqual([]);
  const value: unknown = document.toJS();
  if (!isRecord(value)) throw new Error(`${name} is not a mapping`);
  return value;
}

function jobsOf(name: string): [string, Job][] {
  const jobs = readWorkflow(name).jobs;
  if (!isRecord(jobs)) throw new Error(`${name}: jobs is not a mapping`);
  return Object.entries(jobs).map(([id, job]) => {
    if (!isRecord(job) || !Array.isArray(job.steps)) throw new Error(`${name}: job ${id} has no steps`);
    return [id, job as Job];
  });
}

function stepsOf(name: string): Step[] {
  return jobsOf(name).flatMap(([, job]) => job.steps);
}

/** Every `run:` script, with `${{ … }}` expressions replaced the way the runner fills them in. */
function runScripts(name: string): string[] {
  return stepsOf(name).flatMap((step) => (typeof step.run === 'string' ? [step.run.replace(/\$\{\{[^}]*\}\}/g, 'X')] : []));
}

/** Every `hscc …` command line in the run scripts (backslash continuations joined). */
function hsccCommands(name: string): string[] {
  return runScripts(name)
    .flatMap((script) => script.replace(/\s*\\\n\s*/g, ' ').split('\n'))
    .filter((line) => /\bnpx hscc\b/.test(line))
    .map((line) => line.trim());
}

describe('example workflows', () => {
  it('are the three documented ones', () => {
    expect(workflowFiles.sort()).toEqual(['hscc-apply.yml', 'hscc-drift.yml', 'hscc-plan.yml']);
  });

  it.each(workflowFiles)('%s parses and has on, jobs, and runs-on + steps per job', (name) => {
    const workflow = readWorkflow(name);
    expect(workflow).toHaveProperty('on');
    const jobs = jobsOf(name);
    expect(jobs.length).toBeGreaterThan(0);
    for (const [id, job] of jobs) {
      expect(typeof job['runs-on'], `${name} ${id} runs-on`).toBe('string');
      expect(job.steps.length, `${name} ${id} steps`).toBeGreaterThan(0);
    }
  });

  it.each(workflowFiles)('%s pins every action to a full commit SHA, with the tag in a comment', (name) => {
    const uses = stepsOf(name).flatMap((step) => (typeof step.uses === 'string' ? [step.uses] : []));
    expect(uses.length).toBeGreaterThan(0);
    for (const ref of uses) expect(ref, `${name}: ${ref}`).toMatch(/^[\w.-]+\/[\w./-]+@[0-9a-f]{40}$/);
    const lines = readFileSync(join(WORKFLOWS, name), 'utf8').split('\n').filter((line) => /^\s*(- )?uses: /.test(line));
    for (const line of lines) expect(line, `${name}: ${line}`).toMatch(/@[0-9a-f]{40} # v\d+(\.\d+)*$/);
  });

  it.each(workflowFiles)('%s: every run script is valid bash', (name) => {
    for (const script of runScripts(name)) {
      const check = spawnSync('bash', ['-n'], { input: script, encoding: 'utf8' });
      expect(check.stderr, script).toBe('');
      expect(check.status).toBe(0);
    }
  });

  it.each(workflowFiles)('%s: every github-script is valid JavaScript', (name) => {
    const AsyncFunction = Object.getPrototypeOf(async () => {}).constructor as new (...args: string[]) => unknown;
    for (const step of stepsOf(name)) {
      if (!step.uses?.startsWith('actions/github-script@')) continue;
      const script = step.with?.script;
      expect(typeof script).toBe('string');
      expect(() => new AsyncFunction('github', 'context', 'core', 'require', String(script))).not.toThrow();
    }
  });

  it('never writes a secret into a command line', () => {
    for (const name of workflowFiles) {
      const text = readFileSync(join(WORKFLOWS, name), 'utf8');
      for (const line of text.split('\n').filter((l) => l.includes('secrets.') && !l.trimStart().startsWith('#'))) {
        // Secrets only as step env values (`NAME: ${{ secrets.NAME }}`), never inside `run:`.
        expect(line, `${name}: ${line}`).toMatch(/^\s+[A-Z_]+: \$\{\{ secrets\.[A-Z_]+ \}\}$/);
      }
    }
  });

  it('keeps markdown out of the logs: --format markdown only into a file', () => {
    for (const name of workflowFiles) {
      for (const command of hsccCommands(name).filter((line) => line.includes('--format markdown'))) {
        expect(command, `${name}: ${command}`).toMatch(/> [\w.-]+\.md\b/);
      }
    }
    expect(hsccCommands('hscc-apply.yml').join('\n')).not.toContain('--format markdown');
    expect(hsccCommands('hscc-drift.yml').join('\n')).not.toContain('--format markdown');
  });

  it('plan and drift jobs run in GitHub environments, so environment-scoped secrets reach them', () => {
    for (const name of ['hscc-plan.yml', 'hscc-drift.yml', 'hscc-apply.yml']) {
      for (const [id, job] of jobsOf(name)) {
        expect(job.environment, `${name} ${id}`).toEqual(expect.stringContaining('${{ matrix.environment }}'));
      }
    }
    // Plans and drift get the read-only environments; only apply gets the writers.
    expect(jobsOf('hscc-plan.yml')[0]?.[1].environment).toBe('${{ matrix.environment }}-read');
    expect(jobsOf('hscc-drift.yml')[0]?.[1].environment).toBe('${{ matrix.environment }}-read');
    expect(jobsOf('hscc-apply.yml')[0]?.[1].environment).toBe('${{ matrix.environment }}');
  });

  describe('plan', () => {
    it('treats exit 2 as success, saves the plan and finds its comment by the hidden marker', () => {
      const text = readFileSync(join(WORKFLOWS, 'hscc-plan.yml'), 'utf8');
      expect(hsccCommands('hscc-plan.yml')).toContain('npx hscc plan "$CONFIG_GLOB" --strict --out plan.json --format markdown --detailed-exitcode > plan.md 2> hscc-errors.txt');
      expect(text).toMatch(/2\) echo "Changes planned/);
      expect(text).toContain("marker.startsWith('<!-- hscc:plan ')");
    });

    it('still updates its PR comment when hscc plan fails, under the marker hscc writes', () => {
      const steps = stepsOf('hscc-plan.yml');
      const comment = steps.find((step) => step.name === 'Post or update the plan comment');
      expect(comment?.if).toMatch(/^always\(\)/);
      const planStep = steps.find((step) => step.id === 'plan');
      // hscc prints its failure under its own marker; only when it could not (a crash) does the
      // workflow write one, the same marker hscc prints for these arguments.
      expect(planStep?.run).toContain(`if ! head -n 1 plan.md | grep -q '^<!-- hscc:plan '; then`);
      expect(planStep?.run).toContain('echo "<!-- hscc:plan $CONFIG_GLOB -->"');
      expect(planStep?.run).toContain('} >> plan.md');
      for (const environment of ENVIRONMENTS) {
        const glob = `environments/${environment}/*.yaml`;
        expect(markdownMarker('plan', [glob])).toBe(`<!-- hscc:plan ${glob} -->`);
      }
      expect(planStep?.run).toMatch(/hscc plan failed/);
      // And the job still fails.
      expect(steps.at(-1)?.run).toBe('exit 1');
    });

    it('uploads a plan only when planning succeeded', () => {
      const upload = stepsOf('hscc-plan.yml').find((step) => step.uses?.startsWith('actions/upload-artifact@'));
      expect(upload?.if).toBe("steps.plan.outputs.exitcode == '0' || steps.plan.outputs.exitcode == '2'");
    });
  });

  describe('apply', () => {
    it('applies only a saved plan, with --config, never --auto-approve', () => {
      const code = readFileSync(join(WORKFLOWS, 'hscc-apply.yml'), 'utf8')
        .split('\n')
        .filter((line) => !line.trimStart().startsWith('#'));
      expect(code.join('\n')).not.toContain('--auto-approve');
      const applies = hsccCommands('hscc-apply.yml').filter((line) => /hscc apply\b/.test(line));
      expect(applies.length).toBeGreaterThan(0);
      for (const command of applies) expect(command).toMatch(/hscc apply reviewed-plan\/plan\.json --config "\$CONFIG_GLOB"/);
    });

    it('checks out the merged commit that --config compares against', () => {
      const checkout = stepsOf('hscc-apply.yml').find((step) => step.uses?.startsWith('actions/checkout@'));
      expect(checkout?.with?.ref).toBe('${{ github.sha }}');
    });

    it('fails with an annotation instead of applying when there is no reviewed plan', () => {
      const find = stepsOf('hscc-apply.yml').find((step) => step.id === 'find');
      const script = String(find?.with?.script);
      expect(script.match(/core\.setFailed\(/g)).toHaveLength(2);
      expect(script).toContain('nothing was applied');
      expect(script).not.toContain('core.notice');
      // No step is skipped on a missing plan: a failed find stops the job.
      for (const step of stepsOf('hscc-apply.yml')) expect(step.if, step.name).toBeUndefined();
      const applyStep = stepsOf('hscc-apply.yml').find((step) => step.run?.includes('hscc apply') === true);
      expect(applyStep?.run).toContain('::error title=hscc apply refused or failed::');
    });

    it('never runs twice at once', () => {
      expect(readWorkflow('hscc-apply.yml').concurrency).toEqual({ group: 'hscc-apply', 'cancel-in-progress': false });
    });
  });

  describe('drift', () => {
    it('runs nightly and on demand, one at a time', () => {
      const workflow = readWorkflow('hscc-drift.yml');
      const on = workflow.on;
      if (!isRecord(on)) throw new Error('on is not a mapping');
      expect(Array.isArray(on.schedule)).toBe(true);
      expect(on).toHaveProperty('workflow_dispatch');
      expect(workflow.concurrency).toEqual({ group: 'hscc-drift', 'cancel-in-progress': false });
    });

    it('probes the webhooks and fails on drift and on errors', () => {
      expect(hsccCommands('hscc-drift.yml')).toContain('npx hscc drift "$CONFIG_GLOB" --probe || code=$?');
      expect(runScripts('hscc-drift.yml').join('\n')).toContain('exit "$code"');
    });
  });
});

describe('example configs', () => {
  it.each(ENVIRONMENTS)('every %s file starts with the schema comment', (environment) => {
    const dir = join(EXAMPLES, 'environments', environment);
    const files = readdirSync(dir).filter((name) => name.endsWith('.yaml'));
    expect(files.length).toBeGreaterThan(0);
    for (const file of files) {
      expect(readFileSync(join(dir, file), 'utf8').split('\n', 1)[0]).toBe(
        '# yaml-language-server: $schema=../../../schemas/channel-connection.schema.json',
      );
    }
  });
});
