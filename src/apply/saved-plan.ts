import { createHash } from 'node:crypto';
import { fieldProblem, holdsLoneSurrogate, LONE_SURROGATE_MESSAGE } from '../config/rules.js';
import { escapeControlCharacters } from '../control-characters.js';
import { holdsPlannedResult } from './apply-plan.js';
import { UserError } from '../errors.js';
import validateSavedPlanJson from '../generated/saved-plan-validator.js';
import type { RemoteResource } from '../hubspot/types.js';
import { managedOf, summarize } from '../plan/build-plan.js';
import { changeKey, type Change, type ChangeKey, type Plan } from '../plan/model.js';
import { toPlanJson, type PlanJson } from '../render/json.js';
import { resourceNamed, type Fields } from '../resources/index.js';

/** What GET showed for one app resource when the plan was made ("absent" included). */
export interface ObservedJson {
  present: boolean;
  /** The managed fields, when present. */
  fields?: Fields;
  updatedAt?: string;
}

export interface SavedPlanJson extends PlanJson {
  savedPlan: {
    toolVersion: string;
    /** ISO-8601. */
    createdAt: string;
    /** sha256 of the resolved inputs (config files and expanded apps). */
    inputHash: string;
    /** The path arguments as given. */
    configPaths: string[];
    /** The files they resolved to. */
    files: string[];
    /** Keyed by `appId/resource`. */
    observed: Record<string, ObservedJson>;
    /** `sha256:` over the document without this field: detects edits. */
    checksum: string;
  };
}

export interface SavedPlan {
  plan: Plan;
  observed: ReadonlyMap<ChangeKey, ObservedJson>;
  toolVersion: string;
  configPaths: string[];
  inputHash: string;
}

export interface CreateSavedPlanInput {
  plan: Plan;
  observed: ReadonlyMap<ChangeKey, RemoteResource | null>;
  toolVersion: string;
  inputHash: string;
  configPaths: string[];
  files: string[];
  /** Epoch ms. */
  now: number;
}

/** The observation the staleness check compares: presence, managed fields, updatedAt. */
export function observedOf(change: Pick<Change, 'resource'>, remote: RemoteResource | null): ObservedJson {
  if (remote === null) return { present: false };
  const observed: ObservedJson = { present: true, fields: managedOf(resourceNamed(change.resource), remote.fields) };
  if (remote.updatedAt !== undefined) observed.updatedAt = remote.updatedAt;
  return observed;
}

function checksumOf(document: Omit<SavedPlanJson, 'savedPlan'> & { savedPlan: Omit<SavedPlanJson['savedPlan'], 'checksum'> }): string {
  return `sha256:${createHash('sha256').update(JSON.stringify(document)).digest('hex')}`;
}

/** Builds the document `plan --out` writes. Pure. */
export function createSavedPlan(input: CreateSavedPlanInput): SavedPlanJson {
  const observed: Record<string, ObservedJson> = {};
  for (const change of input.plan.changes) {
    const key = changeKey(change);
    const remote = input.observed.get(key);
    if (remote === undefined) throw new Error(`createSavedPlan: no observation for ${key}`);
    observed[key] = observedOf(change, remote);
  }
  const unsigned = {
    ...toPlanJson({ kind: 'plan', plan: input.plan, configPaths: input.configPaths }),
    savedPlan: {
      toolVersion: input.toolVersion,
      createdAt: new Date(input.now).toISOString(),
      inputHash: input.inputHash,
      configPaths: [...input.configPaths],
      files: [...input.files],
      observed,
    },
  };
  return { ...unsigned, savedPlan: { ...unsigned.savedPlan, checksum: checksumOf(unsigned) } };
}

/**
 * Parses and checks a saved plan file: JSON, shape, checksum (edits), tool
 * version (Terraform likewise refuses plans from another version), and every
 * value it would write against the config rules (an edited or forged plan
 * must not write what no config could declare). `purpose` words the refusals.
 */
export function parseSavedPlan(text: string, file: string, toolVersion: string, purpose: 'apply' | 'show' = 'apply'): SavedPlan {
  // `show` applies nothing: its refusal must not say so.
  // `why` and `details` may quote the file's text: its control characters are shown escaped, never raw.
  const refuse = (why: string, details: readonly string[] = []) => {
    const lines = details.map((line) => `\n  ${escapeControlCharacters(line)}`).join('');
    return purpose === 'apply'
      ? new UserError(`${file}: ${escapeControlCharacters(why)}; nothing was applied.${lines}`, { hint: 'Run `hscc plan --out FILE` again and apply the new plan.' })
      : new UserError(`${file}: ${escapeControlCharacters(why)}.${lines}`, { hint: 'Show a plan saved by `hscc plan --out FILE`.' });
  };
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch {
    throw refuse('not a complete JSON document (truncated or not an hscc plan file)');
  }
  if (!validateSavedPlanJson(data)) {
    const first = validateSavedPlanJson.errors?.[0];
    const where = first === undefined ? '' : ` (${first.instancePath || '/'} ${first.message ?? ''})`;
    throw refuse(`not an hscc saved plan${where}`);
  }
  const document = data as SavedPlanJson;
  const { checksum, ...rest } = document.savedPlan;
  if (checksumOf({ ...document, savedPlan: rest }) !== checksum) {
    throw refuse('the plan file was edited after it was saved (checksum mismatch)');
  }
  if (document.savedPlan.toolVersion !== toolVersion) {
    throw refuse(`the plan was made by hscc ${document.savedPlan.toolVersion}, this is hscc ${toolVersion}`);
  }
  const changes: Change[] = document.changes.map((change) => ({
    appId: change.appId,
    resource: change.resource,
    apiVersion: change.apiVersion,
    auth: change.auth,
    action: change.action,
    before: change.before,
    after: change.after,
    changedFields: change.changedFields,
    impacts: change.impacts.map((impact) => ({ kind: impact.kind, message: impact.message, warning: impact.warning ?? false })),
  }));
  const problems = changes.flatMap(planValueProblems);
  if (problems.length > 0) throw refuse('the plan would write values no config may declare', problems);
  const observed = new Map<ChangeKey, ObservedJson>();
  for (const change of changes) {
    const key = changeKey(change);
    const entry = document.savedPlan.observed[key];
    if (entry === undefined) throw refuse(`no observation recorded for ${key}`);
    observed.set(key, entry);
  }
  const plan: Plan = { changes, summary: summarize(changes) };
  if (document.targets !== undefined) plan.targets = [...document.targets];
  return {
    plan,
    observed,
    toolVersion: document.savedPlan.toolVersion,
    configPaths: document.savedPlan.configPaths,
    inputHash: document.savedPlan.inputHash,
  };
}

/** What is wrong with the values a change would write, by the same rules as the config. */
function planValueProblems(change: Change): string[] {
  const resource = resourceNamed(change.resource);
  const where = `app ${change.appId} ${change.resource}`;
  if (change.action === 'delete' && !resource.deletable) return [`${where}: HubSpot's API cannot delete ${resource.title}`];
  if (change.action !== 'create' && change.action !== 'update') return [];
  if (change.after === null) return [`${where}: ${change.action} without values`];
  const problems: string[] = [];
  const fieldNamed = (name: string) => resource.fields.find((field) => field.name === name);
  // Every key of `after` is reported as written (JSON `after`): each must be a field the write carries.
  const unknown = new Set([...Object.keys(change.after), ...change.changedFields].filter((name) => fieldNamed(name) === undefined));
  for (const name of unknown) problems.push(`${where}: ${JSON.stringify(name)} is not a field of ${resource.title}`);
  const fields = change.action === 'create' ? resource.fields : change.changedFields.flatMap((name) => fieldNamed(name) ?? []);
  for (const field of fields) {
    const value = change.after[field.name];
    const problem = fieldProblem(field, value);
    if (problem !== undefined) problems.push(`${where}: ${field.name}: ${problem.message}`);
    else if (typeof value === 'string' && holdsLoneSurrogate(value)) problems.push(`${where}: ${field.name}: ${LONE_SURROGATE_MESSAGE}`);
  }
  return problems;
}

/** One resource whose remote state differs from what the plan observed. */
export interface StaleResource {
  appId: number;
  resource: Change['resource'];
  reason: string;
}

function describe(observed: ObservedJson): string {
  if (!observed.present) return 'absent';
  const fields = Object.entries(observed.fields ?? {}).map(([name, value]) => `${name} ${JSON.stringify(value)}`);
  return `${fields.join(', ')}, updatedAt ${observed.updatedAt ?? 'unknown'}`;
}

/** Same presence, managed fields and updatedAt. */
export function sameObservation(a: ObservedJson, b: ObservedJson): boolean {
  if (a.present !== b.present || a.updatedAt !== b.updatedAt) return false;
  const left = a.fields ?? {};
  const right = b.fields ?? {};
  const names = new Set([...Object.keys(left), ...Object.keys(right)]);
  for (const name of names) if (left[name] !== right[name]) return false;
  return true;
}

/**
 * Resources whose remote state differs from what the plan observed:
 * presence, any managed field, or updatedAt. Any entry makes the whole plan
 * stale.
 */
export function findStaleResources(
  plan: Plan,
  recorded: ReadonlyMap<ChangeKey, ObservedJson>,
  current: ReadonlyMap<ChangeKey, RemoteResource | null>,
): StaleResource[] {
  const stale: StaleResource[] = [];
  for (const change of plan.changes) {
    const key = changeKey(change);
    const then = recorded.get(key);
    const remote = current.get(key);
    if (then === undefined || remote === undefined) continue;
    const now = observedOf(change, remote);
    if (!sameObservation(then, now)) {
      stale.push({ appId: change.appId, resource: change.resource, reason: `planned against ${describe(then)}; now ${describe(now)}` });
    }
  }
  return stale;
}

/**
 * True when the plan changes something and every resource in it, those it
 * leaves alone included, now holds exactly what the plan was to produce: the
 * plan was already applied (by this or an identical run), so "stale" would
 * mislead. A resource the plan left alone that moved since is still stale.
 */
export function isAlreadyApplied(plan: Plan, current: ReadonlyMap<ChangeKey, RemoteResource | null>): boolean {
  if (plan.changes.every((change) => change.action === 'no-op')) return false;
  return plan.changes.every((change) => {
    const remote = current.get(changeKey(change));
    return remote !== undefined && holdsPlannedResult(change, remote);
  });
}
