import { createHash } from 'node:crypto';
import { normalize } from 'node:path';
import type { AppConfig } from './model.js';

// Only `plan --out` needs this, so it is not computed (nor node:crypto
// loaded) on every config load: validate's start-up is measured.

/**
 * sha256 (hex) of a canonical JSON (sorted keys) of the resolved file list
 * and the expanded apps without their source positions, so reformatting a
 * file keeps the hash and any change to what would be applied changes it.
 */
export function hashInputs(files: readonly string[], apps: readonly AppConfig[]): string {
  const content = apps.map(({ source: _source, ...app }) => app);
  // `./a.yaml` and `a.yaml` name the same file: the plan and `apply --config` may spell it differently.
  const names = files.map((file) => normalize(file));
  return createHash('sha256').update(canonicalJson({ files: names, apps: content })).digest('hex');
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
