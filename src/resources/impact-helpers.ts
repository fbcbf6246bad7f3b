import type { ChangeFacts } from './descriptor.js';

/**
 * How a boolean field moves from `before` to `after`: `on` (absent or false
 * → true), `off` (true → false or deleted), or undefined when it stays.
 */
export function flipped(change: ChangeFacts, field: string): 'on' | 'off' | undefined {
  const was = change.before?.[field] === true;
  const will = change.after?.[field] === true;
  if (!was && will) return 'on';
  if (was && !will) return 'off';
  return undefined;
}
