import { createHash } from 'node:crypto';
import type { AppConfig } from './model.js';

// Only `plan --out` needs this, so it is not computed (nor node:crypto
// loaded) on every config load: validate's start-up is measured.

/**
 * sha256 (hex) of a canonical JSON (sorted keys) of the expanded apps
 * (sorted by appId) without their source positions: what would be applied.
 * Reformatting, moving an app to another file, or naming the same files
 * another way (a glob, another order, an absolute path) keeps the hash; any
 * change to what would be applied changes it.
 */
export function hashInputs(apps: readonly AppConfig[]): string {
  const content = [...apps].sort((a, b) => a.appId - b.appId).map(({ source: _source, ...app }) => app);
  return createHash('sha256').update(canonicalJson({ apps: content })).digest('hex');
}

function canonicalJson(value: unknown): string {
  return JSON.stringify(value, sortKeys);
}

// A JSON.stringify replacer: plain objects are written with sorted keys.
function sortKeys(_key: string, value: unknown): unknown {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return value;
  const sorted: Record<string, unknown> = {};
  for (const key of Object.keys(value).sort()) sorted[key] = (value as Record<string, unknown>)[key];
  return sorted;
}
