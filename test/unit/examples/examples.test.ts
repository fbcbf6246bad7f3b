import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { parseDocument } from 'yaml';

const EXAMPLES = fileURLToPath(new URL('../../../examples/', import.meta.url));
const WORKFLOWS = join(EXAMPLES, 'github-actions');
const ENVIRONMENTS = ['staging', 'production'];

const workflowFiles = readdirSync(WORKFLOWS).filter((name) => name.endsWith('.yml'));

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

describe('example workflows', () => {
  it('are the three documented ones', () => {
    expect(workflowFiles.sort()).toEqual(['hscc-apply.yml', 'hscc-drift.yml', 'hscc-plan.yml']);
  });

  it.each(workflowFiles)('%s parses and has on, jobs, and runs-on + steps per job', (name) => {
    const workflow = readWorkflow(name);
    expect(workflow).toHaveProperty('on');
    const jobs = workflow.jobs;
    if (!isRecord(jobs)) throw new Error(`${name}: jobs is not a mapping`);
    expect(Object.keys(jobs).length).toBeGreaterThan(0);
    for (const [id, job] of Object.entries(jobs)) {
      if (!isRecord(job)) throw new Error(`${name}: job ${id} is not a mapping`);
      expect(typeof job['runs-on'], `${name} ${id} runs-on`).toBe('string');
      expect(Array.isArray(job.steps) && job.steps.length > 0, `${name} ${id} steps`).toBe(true);
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

  it('plan treats exit 2 as success and finds its comment by the hidden marker', () => {
    const text = readFileSync(join(WORKFLOWS, 'hscc-plan.yml'), 'utf8');
    expect(text).toContain('--out plan.json --format markdown --detailed-exitcode');
    expect(text).toMatch(/2\) echo "Changes planned/);
    expect(text).toContain("marker.startsWith('<!-- hscc:plan ')");
  });

  it('apply never runs twice at once', () => {
    const workflow = readWorkflow('hscc-apply.yml');
    expect(workflow.concurrency).toEqual({ group: 'hscc-apply', 'cancel-in-progress': false });
  });

  it('drift runs nightly and on demand', () => {
    const on = readWorkflow('hscc-drift.yml').on;
    if (!isRecord(on)) throw new Error('on is not a mapping');
    expect(Array.isArray(on.schedule)).toBe(true);
    expect(on).toHaveProperty('workflow_dispatch');
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
