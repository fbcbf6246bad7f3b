// Calls an app's live webhook exactly as HubSpot does and compares the
// answer with the config. The only I/O is the one outgoing request.
import got, { type Response } from 'got';
import { escapeControlCharacters } from '../control-characters.js';
import type { AppConfig } from '../config/model.js';
import type { WebhookFinding, WebhookNumber } from '../plan/model.js';
import { compareNumbers, numbersMatch } from './compare.js';
import { fixtureNumbers } from './fixture.js';
import { declaredLevels, declaredNumbersFor, webhookUrlOf, type DeclaredLevel } from './numbers.js';
import { isRecord } from '../is-record.js';
import { truncatedNumbers, type PhoneNumberInput } from './response.js';
import { validateWebhookResponse } from './response-schema.js';
import { signRequestV3 } from './signature.js';

/** Answers larger than this are an error, and no more of them is read (bytes; DESIGN.md: 1 MiB). */
export const MAX_ANSWER_BYTES = 1024 * 1024;

/** What every probe of an app needs, whatever the level. */
export interface ProbeLevelsOptions {
  /** The app's client secret (see clientSecretFor). */
  secret: string;
  /** Whole-request timeout, milliseconds. */
  timeoutMs: number;
  /** Epoch milliseconds; the signature's timestamp. */
  now: () => number;
}

export interface ProbeWebhookOptions extends ProbeLevelsOptions {
  /** portalId sent in the request body. */
  portalId: number;
  /** userId sent in the request body. */
  userId: number;
}

/** What a webhook answered: its numbers, or why there is no valid answer (`timedOut`: none came in time; the host may be down). */
export type WebhookAnswer = { ok: true; numbers: WebhookNumber[] } | { ok: false; error: string; timedOut?: true };

/**
 * POSTs `{"appId","portalId","userId"}` to `url`, signed with v3 headers as
 * HubSpot does, and checks the answer: status 200, a JSON content type, JSON
 * that matches the webhook response schema. Never throws for a bad webhook.
 */
export async function fetchWebhookNumbers(url: string, appId: number, options: ProbeWebhookOptions): Promise<WebhookAnswer> {
  const body = JSON.stringify({ appId, portalId: options.portalId, userId: options.userId });
  let signed: ReturnType<typeof signRequestV3>;
  try {
    signed = signRequestV3({ clientSecret: options.secret, method: 'POST', url, body, timestamp: options.now() });
  } catch (error) {
    return { ok: false, error: `cannot sign the request: ${(error as Error).message}` };
  }
  let response: Response<Buffer>;
  try {
    const request = got.post(url, {
      body,
      headers: { 'Content-Type': 'application/json', 'User-Agent': 'hscc-probe', ...signed },
      responseType: 'buffer',
      throwHttpErrors: false,
      // HubSpot signs the URL it calls; a redirect would call another one.
      followRedirect: false,
      retry: { limit: 0 },
      timeout: { request: options.timeoutMs },
    });
    // A declared length over the limit stops at once; an undeclared one as soon as the limit is passed.
    request.on('downloadProgress', (progress: { transferred: number; total?: number }) => {
      if (progress.transferred > MAX_ANSWER_BYTES || (progress.total ?? 0) > MAX_ANSWER_BYTES) request.cancel();
    });
    response = await request;
  } catch (error) {
    const failed: WebhookAnswer = { ok: false, error: describeRequestError(error, options.timeoutMs) };
    return (error as { name?: string }).name === 'TimeoutError' ? { ...failed, timedOut: true } : failed;
  }
  if (response.statusCode !== 200) {
    return { ok: false, error: `HTTP ${response.statusCode} (expected 200)${snippet(response.body)}` };
  }
  const contentType = response.headers['content-type'] ?? '';
  if (!/^application\/(?:[\w.+-]+\+)?json\s*(?:;|$)/i.test(contentType)) {
    return { ok: false, error: `content type ${contentType === '' ? '(none)' : `"${contentType}"`} is not application/json` };
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(response.body.toString('utf8'));
  } catch {
    return { ok: false, error: `the answer is not valid JSON${snippet(response.body)}` };
  }
  const verdict = validateWebhookResponse(asHubSpotReads(parsed));
  if (!verdict.ok) return { ok: false, error: `the answer does not match the webhook response schema: ${verdict.errors.join('; ')}` };
  return { ok: true, numbers: verdict.value.phoneNumbers };
}

/**
 * The answer as HubSpot takes it: a `friendlyName` longer than 24 code points
 * is accepted and cut (the schema describes the cut form). Anything else that
 * is not a list of objects is left for the schema to refuse.
 */
function asHubSpotReads(answer: unknown): unknown {
  if (!isRecord(answer) || !Array.isArray(answer.phoneNumbers) || !answer.phoneNumbers.every(isRecord)) return answer;
  return { ...answer, phoneNumbers: truncatedNumbers(answer.phoneNumbers as unknown as PhoneNumberInput[]) };
}

/**
 * Asks an app's webhook (its channel connection's `url`) for one portal and
 * user and compares the answer with what the config declares for them (the
 * most specific declaration, after the 24-code-point truncation). The
 * finding names the portal and user sent. With no numbers declared, every
 * number answered is `unexpected`, in answer order.
 */
export async function probeWebhook(app: AppConfig, options: ProbeWebhookOptions): Promise<WebhookFinding> {
  const level: DeclaredLevel = {
    portalId: options.portalId,
    userId: options.userId,
    request: { portalId: options.portalId, userId: options.userId },
    numbers: declaredNumbersFor(app, options.portalId, options.userId),
  };
  return (await probeLevel(app, level, options)).finding;
}

/**
 * Probes every level the config declares for an app (see declaredLevels):
 * the default (asked with an undeclared portal), each declared portal (asked
 * with a user it does not declare) and each declared user, in that order,
 * one request at a time. Findings name the portal and user of the level
 * (neither for the default). An app without a present channel connection
 * gives one error finding.
 */
export async function probeDeclaredLevels(app: AppConfig, options: ProbeLevelsOptions): Promise<WebhookFinding[]> {
  if (webhookUrlOf(app) === undefined) return [noWebhook(app)];
  const findings: WebhookFinding[] = [];
  // Levels are asked one after another; once the webhook gave no answer in
  // time, the rest are not asked, so a dead host costs one timeout per app,
  // not one per portal and user.
  let silent = false;
  for (const level of declaredLevels(app)) {
    if (silent) {
      findings.push({ ...errorFinding(webhookUrlOf(app) ?? '', 'not asked: the webhook gave no answer in time for an earlier level'), ...levelIds(level) });
      continue;
    }
    const { finding, timedOut } = await probeLevel(app, level, options);
    findings.push(finding);
    silent = timedOut;
  }
  return findings;
}

function levelIds(level: DeclaredLevel): { portalId?: number; userId?: number } {
  return {
    ...(level.portalId === undefined ? {} : { portalId: level.portalId }),
    ...(level.userId === undefined ? {} : { userId: level.userId }),
  };
}

async function probeLevel(app: AppConfig, level: DeclaredLevel, options: ProbeLevelsOptions): Promise<{ finding: WebhookFinding; timedOut: boolean }> {
  const named = levelIds(level);
  const url = webhookUrlOf(app);
  if (url === undefined) return { finding: { ...noWebhook(app), ...named }, timedOut: false };
  const answer = await fetchWebhookNumbers(url, app.appId, { ...options, ...level.request });
  if (!answer.ok) return { finding: { ...errorFinding(url, answer.error), ...named }, timedOut: answer.timedOut === true };
  const comparison = compareNumbers(fixtureNumbers(level.numbers), answer.numbers);
  return { finding: { status: numbersMatch(comparison) ? 'match' : 'mismatch', url, ...named, ...comparison }, timedOut: false };
}

function noWebhook(app: AppConfig): WebhookFinding {
  return errorFinding('', `app ${app.appId} has no channel connection declared present`);
}

function errorFinding(url: string, error: string): WebhookFinding {
  return { status: 'error', url, missing: [], unexpected: [], changedFriendlyName: [], error };
}
function describeRequestError(error: unknown, timeoutMs: number): string {
  const { name, code, message } = error as { name?: string; code?: string; message?: string };
  if (name === 'TimeoutError') return `no answer within ${timeoutMs} ms`;
  if (name === 'CancelError') return `the answer is larger than ${MAX_ANSWER_BYTES} bytes`;
  if (code !== undefined && code !== 'ERR_GOT_REQUEST_ERROR') return `request failed: ${code}`;
  return `request failed: ${message ?? String(error)}`;
}

/** A short, single-line excerpt of an answer, to make failures actionable. */
function snippet(body: Buffer): string {
  const text = escapeControlCharacters(body.subarray(0, 200).toString('utf8').replace(/\s+/g, ' ').trim());
  return text === '' ? '' : `: ${text}${body.length > 200 ? '…' : ''}`;
}
