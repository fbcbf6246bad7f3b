import { createHash } from 'node:crypto';
import { UserError } from '../errors.js';
import validateSavedPlanJson from '../generated/saved-plan-validator.js';
import type { RemoteSettings } from '../hubspot/types.js';
import { summarize } from '../plan/build-plan.js';
import type { Change, Plan } from '../plan/model.js';
import { toPlanJson, type PlanJson } from '../render/json.js';

/** What GET showed for one app when the plan was made ("absent" included). */
export interface ObservedJson {
  present: boolean;
  url?: string;
  isReady?: boolean;
  updatedAt?: string;
}

export interface SavedPlanJson extends PlanJson {
  savedPlan: {
    toolVersion: string;
    /** ISO-8601. */
    createdAt: string;
    /** sha256 of the resolved inputs (config files and expanded apps). */
    inputHash: string;
    configPaths: string[];
    /** Keyed by appId. */
    observed: Record<string, ObservedJson>;
    /** `sha256:` over the document without this field: detects edits. */
    checksum: string;
  };
}

export interface SavedPlan {
  plan: Plan;
  observed: ReadonlyMap<number, ObservedJson>;
  toolVersion: string;
  configPaths: string[];
}

export interface CreateSavedPlanInput {
  plan: Plan;
  observed: ReadonlyMap<number, RemoteSettings | null>;
  toolVersion: string;
  inputHash: string;
  configPaths: string[];
  /** Epoch ms. */
  now: number;
}

/** The observation the staleness check compares: presence, managed fields, updatedAt. */
export function observedOf(settings: RemoteSettings | null): ObservedJson {
  if (settings === null) return { present: false };
  const observed: ObservedJson = { present: true, url: settings.url, isReady: settings.isReady };
  if (settings.updatedAt !== undefined) observed.updatedAt = settings.updatedAt;
  return observed;
}

function checksumOf(document: Omit<SavedPlanJson, 'savedPlan'> & { savedPlan: Omit<SavedPlanJson['savedPlan'], 'checksum'> }): string {
  return `sha256:${createHash('sha256').update(JSON.stringify(document)).digest('hex')}`;
}

/** Builds the document `plan --out` writes. Pure. */
export function createSavedPlan(input: CreateSavedPlanInput): SavedPlanJson {
  const observed: Record<string, ObservedJson> = {};
  for (const change of input.plan.changes) {
    const settings = input.observed.get(change.appId);
    if (settings === undefined) throw new Error(`createSavedPlan: no observation for app ${change.appId}`);
    observed[String(change.appId)] = observedOf(settings);
  }
  const unsigned = {
    ...toPlanJson({ kind: 'plan', plan: input.plan, configPaths: input.configPaths }),
    savedPlan: {
      toolVersion: input.toolVersion,
      createdAt: new Date(input.now).toISOString(),
      inputHash: input.inputHash,
      configPaths: [...input.configPaths],
      observed,
    },
  };
  return { ...unsigned, savedPlan: { ...unsigned.savedPlan, checksum: checksumOf(unsigned) } };
}

/**
 * Parses and checks a saved plan file: JSON, shape, checksum (edits) and tool
 * version (Terraform likewise refuses plans from another version).
 */
export function parseSavedPlan(text: string, file: string, toolVersion: string): SavedPlan {
  const refuse = (why: string, hint?: string) =>
    new UserError(`${file}: ${why}; nothing was applied.`, { hint: hint ?? 'Run `hscc plan --out FILE` again and apply the new plan.' });
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
    apiVersion: change.apiVersion,
    action: change.action,
    before: change.before,
    after: change.after,
    changedFields: change.changedFields,
    impacts: change.impacts,
  }));
  const observed = new Map<number, ObservedJson>();
  for (const change of changes) {
    const entry = document.savedPlan.observed[String(change.appId)];
    if (entry === undefined) throw refuse(`no observation recorded for app ${change.appId}`);
    observed.set(change.appId, entry);
  }
  return {
    plan: { changes, summary: summarize(changes) },
    observed,
    toolVersion: document.savedPlan.toolVersion,
    configPaths: document.savedPlan.configPaths,
  };
}

export interface StaleApp {
  appId: number;
  reason: string;
}

function describe(observed: ObservedJson): string {
  if (!observed.present) return 'absent';
  return `url ${JSON.stringify(observed.url)}, isReady ${String(observed.isReady)}, updatedAt ${observed.updatedAt ?? 'unknown'}`;
}

/**
 * Apps whose remote state differs from what the plan observed: presence,
 * url, isReady or updatedAt. Any entry makes the whole plan stale.
 */
export function findStaleApps(
  recorded: ReadonlyMap<number, ObservedJson>,
  current: ReadonlyMap<number, RemoteSettings | null>,
): StaleApp[] {
  const stale: StaleApp[] = [];
  for (const [appId, then] of recorded) {
    const settings = current.get(appId);
    if (settings === undefined) continue;
    const now = observedOf(settings);
    const same =
      then.present === now.present && then.url === now.url && then.isReady === now.isReady && then.updatedAt === now.updatedAt;
    if (!same) stale.push({ appId, reason: `planned against ${describe(then)}; now ${describe(now)}` });
  }
  return stale.sort((a, b) => a.appId - b.appId);
}
