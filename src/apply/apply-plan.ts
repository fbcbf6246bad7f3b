import { isUserError } from '../errors.js';
import type { RemoteResource, ResourceTarget, SettingsClient } from '../hubspot/types.js';
import { compareChanges, managedOf, resourceOf } from '../plan/build-plan.js';
import { changeKey, NOT_ATTEMPTED_INTERRUPTED, type Change, type ChangeKey, type ChangeOutcome, type Plan } from '../plan/model.js';
import type { Fields } from '../resources/index.js';
import { mapConcurrent } from '../remote/map-concurrent.js';

export interface ApplyPlanOptions {
  /** Apps written concurrently; one app's changes run one after another. */
  parallelism: number;
  /** Checked before each write starts: false once an interrupt asked to stop. */
  mayStart?: () => boolean;
  /**
   * Why the resource as read just before its write no longer matches what
   * the plan was made against (undefined: it still does). The re-read
   * narrows the window in which another writer can interleave.
   */
  checkCurrent?: (change: Change, current: RemoteResource | null) => string | undefined;
  /** A change's write is about to be sent (after its re-read): from here HubSpot may apply it. */
  onStart?: (change: Change) => void;
  /** A change's outcome is known. */
  onOutcome?: (change: Change, outcome: ChangeOutcome) => void;
  /** After each change's outcome, skipped ones too: a progress count reaches the total. */
  onSettled?: () => void;
}

export function targetOf(change: Change): ResourceTarget {
  return { appId: change.appId, resource: change.resource, apiVersion: change.apiVersion, auth: change.auth };
}

/** The PATCH body: only the fields that change, with their planned values. */
export function patchOf(change: Change): Fields {
  const patch: Record<string, Fields[string]> = {};
  if (change.after === null) return patch;
  for (const field of change.changedFields) {
    const value = change.after[field];
    if (value !== undefined) patch[field] = value;
  }
  return patch;
}

/** Sends one change; resolves to whether a write was made. */
async function write(change: Change, client: SettingsClient): Promise<boolean> {
  const target = targetOf(change);
  switch (change.action) {
    case 'create':
      if (change.after === null) throw new Error(`create without fields for ${changeKey(change)}`);
      return (await client.create(target, change.after)).wrote;
    case 'update':
      return (await client.update(target, patchOf(change))).wrote;
    case 'delete':
      if (!resourceOf(change).deletable) throw new Error(`${change.resource} cannot be deleted`);
      return (await client.delete(target)).wrote;
    case 'no-op':
      return false;
  }
}

/** Matches the planned `before` (presence and managed fields) against a fresh read. */
export function differsFromPlanned(change: Change, current: RemoteResource | null): string | undefined {
  const resource = resourceOf(change);
  if (change.before === null) return current === null ? undefined : 'it was created since the plan was made';
  if (current === null) return 'it was deleted since the plan was made';
  const now = managedOf(resource, current.fields);
  const moved = resource.fields.filter((field) => now[field.name] !== change.before?.[field.name]).map((field) => field.name);
  return moved.length === 0 ? undefined : `${moved.join(', ')} changed since the plan was made`;
}

/** True when `current` already is what the change would produce (for a no-op: what the plan left it as). */
export function holdsPlannedResult(change: Change, current: RemoteResource | null): boolean {
  // A delete, or a no-op of an absent resource.
  if (change.after === null) return current === null;
  if (current === null) return false;
  const now = managedOf(resourceOf(change), current.fields);
  return Object.entries(change.after).every(([name, value]) => now[name] === value);
}

/**
 * The write order within one app (DESIGN.md "Order within an app"): creates
 * and updates in resource order (calling settings first), then deletes in
 * reverse (the channel connection before the calling settings).
 */
export function writeOrder(changes: readonly Change[]): Change[] {
  const writes = changes.filter((change) => change.action === 'create' || change.action === 'update').sort(compareChanges);
  const deletes = changes.filter((change) => change.action === 'delete').sort((a, b) => compareChanges(b, a));
  return [...writes, ...deletes];
}

/**
 * Executes every non-no-op change through the client. Apps run
 * concurrently; within an app, changes run in write order and stop at the
 * first failure (later ones may depend on it). One app's failure never
 * stops the others, so a re-run converges. Every change gets an outcome.
 */
export async function applyPlan(plan: Plan, client: SettingsClient, options: ApplyPlanOptions): Promise<Map<ChangeKey, ChangeOutcome>> {
  const outcomes = new Map<ChangeKey, ChangeOutcome>();
  const byApp = new Map<number, Change[]>();
  for (const change of plan.changes) {
    if (change.action === 'no-op') continue;
    const list = byApp.get(change.appId) ?? [];
    list.push(change);
    byApp.set(change.appId, list);
  }

  await mapConcurrent([...byApp.values()], options.parallelism, async (changes) => {
    // A change blocked by a failure is as rerunnable as that failure: a 400 blocks its dependants until it is fixed.
    let blockedBy: { reason: string; rerunnable: boolean } | undefined;
    const settle = (change: Change, outcome: ChangeOutcome) => {
      outcomes.set(changeKey(change), outcome);
      options.onOutcome?.(change, outcome);
      options.onSettled?.();
    };
    for (const change of writeOrder(changes)) {
      // After an interrupt, every change not started says so (DESIGN.md), whatever failed before it.
      if (options.mayStart !== undefined && !options.mayStart()) {
        settle(change, { applied: false, attempted: false, error: { message: NOT_ATTEMPTED_INTERRUPTED, rerunnable: true } });
        continue;
      }
      if (blockedBy !== undefined) {
        settle(change, { applied: false, attempted: false, error: { message: `not attempted: ${blockedBy.reason}`, rerunnable: blockedBy.rerunnable } });
        continue;
      }
      const outcome = await applyOne(change, client, options);
      settle(change, outcome);
      if (outcome.error !== undefined) {
        const what = `its ${resourceOf(change).title} ${outcome.attempted === false ? 'were not attempted' : 'failed first'}`;
        blockedBy = { reason: what, rerunnable: outcome.error.rerunnable === true };
      }
    }
  });

  for (const change of plan.changes) {
    if (change.action === 'no-op') outcomes.set(changeKey(change), { applied: false });
  }
  return outcomes;
}

async function applyOne(change: Change, client: SettingsClient, options: ApplyPlanOptions): Promise<ChangeOutcome> {
  try {
    if (options.checkCurrent !== undefined) {
      const current = await client.get(targetOf(change));
      // Another writer (an identical run) got there first: nothing to do, and not a failure.
      if (holdsPlannedResult(change, current)) return { applied: false, note: 'already as planned' };
      const reason = options.checkCurrent(change, current);
      if (reason !== undefined) {
        return { applied: false, error: { message: `not applied: ${reason}`, rerunnable: true } };
      }
      // A signal may have come while the re-read was in flight: that is before the write started.
      if (options.mayStart !== undefined && !options.mayStart()) {
        return { applied: false, attempted: false, error: { message: NOT_ATTEMPTED_INTERRUPTED, rerunnable: true } };
      }
    }
    options.onStart?.(change);
    const wrote = await write(change, client);
    return wrote ? { applied: true } : { applied: false, note: 'already as planned' };
  } catch (error) {
    // Bugs must surface as bugs, not as a failed change.
    if (!isUserError(error)) throw error;
    // Views name the app and resource of each outcome; the client's message starts with the app.
    const prefix = `app ${change.appId}: `;
    const message = error.message.startsWith(prefix) ? error.message.slice(prefix.length) : error.message;
    // The client sent nothing (the host was given up on, the credential refused): no write started, and the reason is the message.
    const notSent = notSentBecause(error);
    // Held back by the rate limit when the signal came: not started, as DESIGN.md words it.
    if (notSent !== undefined && options.mayStart !== undefined && !options.mayStart()) {
      return { applied: false, attempted: false, error: { message: NOT_ATTEMPTED_INTERRUPTED, rerunnable: true } };
    }
    const failure: NonNullable<ChangeOutcome['error']> = { message: notSent === undefined ? message : `not attempted: ${notSent}`, rerunnable: rerunnableOf(error) };
    if (error.correlationId !== undefined) failure.correlationId = error.correlationId;
    if (error.hint !== undefined) failure.hint = error.hint;
    return notSent === undefined ? { applied: false, error: failure } : { applied: false, attempted: false, error: failure };
  }
}

function notSentBecause(error: Error): string | undefined {
  const reason = (error as { notAttempted?: unknown }).notAttempted;
  return typeof reason === 'string' ? reason : undefined;
}

function rerunnableOf(error: Error): boolean {
  const flag = (error as { rerunnable?: unknown }).rerunnable;
  return flag === true;
}
