// The control API under /__emulator/: no auth, for tests and scripts to
// seed state, queue faults and read what clients sent.
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { RequestCounters } from './counters.js';
import { parseFaultCount, parseFaultKind, parseFaultMethod, type FaultQueue } from './faults.js';
import { readBody, sendEmpty, sendJson } from './http-io.js';
import type { RequestLog } from './request-log.js';
import { errorBody } from './responses.js';
import type { EmulatorStore } from './store.js';
import { parseEmulatorState, parseJsonBody, type FieldErrorJson } from './validation.js';

/** Prefix of every control route. */
export const CONTROL_PREFIX = '/__emulator/';

/** What the control routes act on. */
export interface ControlContext {
  store: EmulatorStore;
  faults: FaultQueue;
  counters: RequestCounters;
  requestLog: RequestLog;
  /** Saves the state file, if any; returns the problem when that failed. */
  persist(): string | undefined;
  /** Clears state, faults, counters, the request log and rate-limit windows. */
  reset(): void;
}

const ROUTES: Record<string, readonly string[]> = {
  state: ['GET', 'PUT'],
  faults: ['GET', 'POST'],
  requests: ['GET'],
  'request-log': ['GET'],
  reset: ['POST'],
};

function badRequest(res: ServerResponse, message: string, errors?: FieldErrorJson[]): void {
  sendJson(res, 400, errorBody('VALIDATION_ERROR', message, errors));
}

/** Reads a JSON body, answering 413/400 itself; undefined when it did. */
async function jsonBody(req: IncomingMessage, res: ServerResponse): Promise<{ value: unknown } | undefined> {
  const body = await readBody(req);
  if (!body.ok) {
    sendJson(res, 413, errorBody('VALIDATION_ERROR', 'The request body is larger than 1 MiB.'));
    return undefined;
  }
  const parsed = parseJsonBody(body.text);
  if (!parsed.ok) {
    badRequest(res, parsed.message, parsed.errors);
    return undefined;
  }
  return { value: parsed.value };
}

/** Saves the state file after a change, then answers with `respond`, or 500 when saving failed. */
function saved(res: ServerResponse, context: ControlContext, respond: () => void): void {
  const problem = context.persist();
  if (problem === undefined) respond();
  else sendJson(res, 500, errorBody('INTERNAL_ERROR', problem));
}

/** Handles one request whose path starts with {@link CONTROL_PREFIX}. */
export async function handleControl(
  req: IncomingMessage,
  res: ServerResponse,
  path: string,
  method: string,
  context: ControlContext,
): Promise<void> {
  const name = path.slice(CONTROL_PREFIX.length);
  const allowed = ROUTES[name];
  if (allowed === undefined) {
    const known = Object.keys(ROUTES).map((route) => CONTROL_PREFIX + route);
    // Not HubSpot's error shape: a base URL ending in /__emulator must read as a wrong path, never as "absent".
    sendJson(res, 404, { error: `No control route ${path}; try ${known.join(', ')}.`, routes: known });
    return;
  }
  if (!allowed.includes(method)) {
    sendJson(res, 405, errorBody('VALIDATION_ERROR', `${method} is not allowed on ${path}.`), { allow: allowed.join(', ') });
    return;
  }
  switch (`${method} ${name}`) {
    case 'GET state':
      sendJson(res, 200, context.store.snapshot());
      return;
    case 'PUT state': {
      const body = await jsonBody(req, res);
      if (body === undefined) return;
      const state = parseEmulatorState(body.value);
      if (!state.ok) return badRequest(res, `Invalid emulator state: ${state.problem}`);
      context.store.load(state.state);
      saved(res, context, () => sendJson(res, 200, context.store.snapshot()));
      return;
    }
    case 'GET faults':
      sendJson(res, 200, { faults: context.faults.list() });
      return;
    case 'POST faults':
      await addFault(req, res, context);
      return;
    case 'GET requests':
      sendJson(res, 200, context.counters.toJson());
      return;
    case 'GET request-log':
      sendJson(res, 200, context.requestLog.toJson());
      return;
    case 'POST reset':
      context.reset();
      saved(res, context, () => sendEmpty(res, 204));
      return;
  }
}

async function addFault(req: IncomingMessage, res: ServerResponse, context: ControlContext): Promise<void> {
  const body = await jsonBody(req, res);
  if (body === undefined) return;
  const value = body.value;
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    return badRequest(res, 'Expected a JSON object {"method", "count", "kind"}.');
  }
  const fields = value as Record<string, unknown>;
  const errors: FieldErrorJson[] = [];
  for (const key of Object.keys(fields)) {
    if (!['method', 'count', 'kind'].includes(key)) errors.push({ message: `Unrecognized field "${key}".`, in: key });
  }
  const text = (field: string): string => {
    const raw = fields[field];
    return typeof raw === 'string' || typeof raw === 'number' ? String(raw) : '';
  };
  // count defaults to 1: "fail the next request" is the common case.
  const method = parseFaultMethod(text('method'));
  const count = fields.count === undefined ? { ok: true as const, value: 1 } : parseFaultCount(text('count'));
  const kind = parseFaultKind(text('kind'));
  if (!method.ok) errors.push({ message: method.problem, in: 'method' });
  if (!count.ok) errors.push({ message: count.problem, in: 'count' });
  if (!kind.ok) errors.push({ message: kind.problem, in: 'kind' });
  if (errors.length > 0 || !method.ok || !count.ok || !kind.ok) {
    return badRequest(res, `Invalid fault: ${errors.map((e) => e.message).join('; ')}`, errors);
  }
  context.faults.add({ method: method.value, remaining: count.value, kind: kind.value });
  sendJson(res, 201, { faults: context.faults.list() });
}
