import type { ManagedSettings } from '../config/model.js';
import { isUserError } from '../errors.js';
import type { ChannelConnectionClient } from '../hubspot/types.js';
import type { Change, ChangeOutcome, Plan } from '../plan/model.js';
import { mapConcurrent } from '../remote/map-concurrent.js';

export interface ApplyPlanOptions {
  /** Apps written concurrently. */
  parallelism: number;
  onSettled?: () => void;
}

/** The PATCH body: only the fields that change. */
export function patchOf(change: Change): Partial<ManagedSettings> {
  const patch: Partial<ManagedSettings> = {};
  if (change.after === null) return patch;
  for (const field of change.changedFields) {
    if (field === 'url') patch.url = change.after.url;
    else patch.isReady = change.after.isReady;
  }
  return patch;
}

async function write(change: Change, client: ChannelConnectionClient): Promise<void> {
  const target = { appId: change.appId, apiVersion: change.apiVersion };
  switch (change.action) {
    case 'create':
      if (change.after === null) throw new Error(`create without settings for app ${change.appId}`);
      await client.create(target, change.after);
      return;
    case 'update':
      await client.update(target, patchOf(change));
      return;
    case 'delete':
      await client.delete(target);
      return;
    case 'no-op':
      return;
  }
}

/**
 * Executes every non-no-op change through the client. One app's failure never
 * stops the others: each gets its own outcome, so a re-run converges.
 */
export async function applyPlan(
  plan: Plan,
  client: ChannelConnectionClient,
  options: ApplyPlanOptions,
): Promise<Map<number, ChangeOutcome>> {
  const pending = plan.changes.filter((change) => change.action !== 'no-op');
  const results = await mapConcurrent(pending, options.parallelism, async (change) => {
    try {
      await write(change, client);
      return [change.appId, { applied: true }] as const;
    } catch (error) {
      // Bugs must surface as bugs, not as a failed app.
      if (!isUserError(error)) throw error;
      const outcome: ChangeOutcome = { applied: false, error: { message: error.message } };
      if (error.correlationId !== undefined && outcome.error) outcome.error.correlationId = error.correlationId;
      return [change.appId, outcome] as const;
    } finally {
      options.onSettled?.();
    }
  });
  const outcomes = new Map<number, ChangeOutcome>(results);
  for (const change of plan.changes) {
    if (change.action === 'no-op') outcomes.set(change.appId, { applied: false });
  }
  return outcomes;
}
