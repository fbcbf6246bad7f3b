import { createHash } from 'node:crypto';
import type { SavedPlanJson } from '../../src/apply/saved-plan.js';

/**
 * A saved plan edited by someone who also recomputed the checksum, so only
 * the value rules and staleness checks stand in the way.
 */
export function forgeSavedPlan(text: string, edit: (doc: SavedPlanJson) => void): string {
  const copy = JSON.parse(text) as SavedPlanJson;
  edit(copy);
  const { checksum: _old, ...rest } = copy.savedPlan;
  const checksum = `sha256:${createHash('sha256').update(JSON.stringify({ ...copy, savedPlan: rest })).digest('hex')}`;
  return JSON.stringify({ ...copy, savedPlan: { ...rest, checksum } });
}
