// Fault injection: `METHOD:COUNT:KIND` rules that make the next COUNT
// matching API requests misbehave, so clients' retry paths can be tested.

/** The methods a fault can target; `*` matches any. */
export type FaultMethod = 'GET' | 'POST' | 'PATCH' | 'DELETE' | '*';

/** What happens to a request a fault catches. */
export type FaultKind =
  /** Answer this status (400–599) with a HubSpot-shaped error body, optionally with Retry-After (seconds). */
  | { type: 'status'; status: number; retryAfterSeconds?: number }
  /** 429 with policyName DAILY and no Retry-After: clients must stop. */
  | { type: 'daily-limit' }
  /** Destroy the socket without answering. */
  | { type: 'reset' }
  /** 200 with a JSON content type and a body cut in half; state untouched. */
  | { type: 'truncated' }
  /** Perform the request, then answer 500 instead of its 2xx. */
  | { type: 'error-after-write' }
  /** Wait this many milliseconds, then handle the request normally. */
  | { type: 'delay'; ms: number };

/** One rule with the number of requests it still catches. */
export interface FaultRule {
  method: FaultMethod;
  remaining: number;
  kind: FaultKind;
}

/** The wire shape of a rule (`POST /__emulator/faults`, `GET /__emulator/faults`). */
export interface FaultRuleJson {
  method: FaultMethod;
  count: number;
  /** As in a spec: "503", "503+retry-after=0", "429-daily", "reset", "truncated", "500-after-write", "delay=250". */
  kind: string;
}

export type Parsed<T> = { ok: true; value: T } | { ok: false; problem: string };

const METHODS: readonly FaultMethod[] = ['GET', 'POST', 'PATCH', 'DELETE', '*'];
const MAX_DELAY_MS = 600_000;
const MAX_COUNT = 1_000_000;

/** Parses a fault's method part (case-insensitive). */
export function parseFaultMethod(text: string): Parsed<FaultMethod> {
  const method = text.toUpperCase() as FaultMethod;
  if (!METHODS.includes(method)) return { ok: false, problem: `method must be one of ${METHODS.join(', ')}, got "${text}"` };
  return { ok: true, value: method };
}

/** Parses a fault's count part: a positive integer. */
export function parseFaultCount(text: string): Parsed<number> {
  const count = /^\d+$/.test(text) ? Number(text) : Number.NaN;
  if (!(count >= 1 && count <= MAX_COUNT)) return { ok: false, problem: `count must be an integer from 1 to ${MAX_COUNT}, got "${text}"` };
  return { ok: true, value: count };
}

/** Parses a fault's kind part. */
export function parseFaultKind(text: string): Parsed<FaultKind> {
  const kind = text.toLowerCase();
  if (kind === 'reset') return { ok: true, value: { type: 'reset' } };
  if (kind === 'truncated') return { ok: true, value: { type: 'truncated' } };
  if (kind === '429-daily') return { ok: true, value: { type: 'daily-limit' } };
  if (kind === '500-after-write') return { ok: true, value: { type: 'error-after-write' } };
  const delay = /^delay=(\d+)$/.exec(kind);
  if (delay !== null) {
    const ms = Number(delay[1]);
    if (ms > MAX_DELAY_MS) return { ok: false, problem: `delay must be at most ${MAX_DELAY_MS} ms, got ${ms}` };
    return { ok: true, value: { type: 'delay', ms } };
  }
  const statusMatch = /^(\d{3})(?:\+retry-after=(\d+))?$/.exec(kind);
  if (statusMatch !== null) {
    const status = Number(statusMatch[1]);
    if (status >= 400 && status <= 599) {
      if (statusMatch[2] === undefined) return { ok: true, value: { type: 'status', status } };
      return { ok: true, value: { type: 'status', status, retryAfterSeconds: Number(statusMatch[2]) } };
    }
  }
  return {
    ok: false,
    problem: `kind must be a status from 400 to 599 (optionally +retry-after=SECONDS), 429-daily, reset, truncated, 500-after-write or delay=MS, got "${text}"`,
  };
}

/** Parses `METHOD:COUNT:KIND`, e.g. `POST:2:503`, `*:1:reset`, `GET:3:delay=200`. */
export function parseFaultSpec(spec: string): Parsed<FaultRule> {
  const parts = spec.trim().split(':');
  if (parts.length !== 3) return { ok: false, problem: 'expected METHOD:COUNT:KIND, e.g. POST:2:503' };
  const [methodText = '', countText = '', kindText = ''] = parts;
  const method = parseFaultMethod(methodText);
  if (!method.ok) return method;
  const count = parseFaultCount(countText);
  if (!count.ok) return count;
  const kind = parseFaultKind(kindText);
  if (!kind.ok) return kind;
  return { ok: true, value: { method: method.value, remaining: count.value, kind: kind.value } };
}

/** The spec text of a kind, the inverse of {@link parseFaultKind}. */
export function formatFaultKind(kind: FaultKind): string {
  switch (kind.type) {
    case 'status':
      return kind.retryAfterSeconds === undefined ? String(kind.status) : `${kind.status}+retry-after=${kind.retryAfterSeconds}`;
    case 'daily-limit':
      return '429-daily';
    case 'reset':
      return 'reset';
    case 'truncated':
      return 'truncated';
    case 'error-after-write':
      return '500-after-write';
    case 'delay':
      return `delay=${kind.ms}`;
  }
}

/** Pending fault rules, consumed in the order they were added. */
export class FaultQueue {
  #rules: FaultRule[] = [];

  /** True when no rule is pending (the server skips the lookup). */
  get isEmpty(): boolean {
    return this.#rules.length === 0;
  }

  add(rule: FaultRule): void {
    this.#rules.push({ ...rule });
  }

  /** The kind of the first rule matching `method`, using up one of its requests. */
  take(method: string): FaultKind | undefined {
    const index = this.#rules.findIndex((rule) => rule.method === '*' || rule.method === method);
    const rule = this.#rules[index];
    if (rule === undefined) return undefined;
    rule.remaining -= 1;
    if (rule.remaining === 0) this.#rules.splice(index, 1);
    return rule.kind;
  }

  /** The pending rules in wire form. */
  list(): FaultRuleJson[] {
    return this.#rules.map((rule) => ({ method: rule.method, count: rule.remaining, kind: formatFaultKind(rule.kind) }));
  }

  clear(): void {
    this.#rules = [];
  }
}
