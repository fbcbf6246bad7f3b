// Calls an app's live webhook exactly as HubSpot does and compares the
// answer with the config. The only I/O is the one outgoing request.
import got, { type Response } from 'got';
import type { AppConfig } from '../config/model.js';
import type { WebhookFinding, WebhookNumber } from '../plan/model.js';
import { compareNumbers, numbersMatch } from './compare.js';
import { fixtureNumbers } from './fixture.js';
import { validateWebhookResponse } from './response-schema.js';
import { signRequestV3 } from './signature.js';

/** Answers larger than this are cut off as an error (bytes). */
export const MAX_ANSWER_BYTES = 16 * 1024 * 1024;

export interface ProbeWebhookOptions {
  /** portalId sent in the request body. */
  portalId: number;
  /** userId sent in the request body. */
  userId: number;
  /** The app's client secret (see clientSecretFor). */
  secret: string;
  /** Whole-request timeout, milliseconds. */
  timeoutMs: number;
  /** Epoch milliseconds; the signature's timestamp. */
  now: () => number;
}

/** What a webhook answered: its numbers, or why there is no valid answer. */
export type WebhookAnswer = { ok: true; numbers: WebhookNumber[] } | { ok: false; error: string };

/**
 * POSTs `{"appId","portalId","userId"}` to `url`, signed with v3 headers as
 * HubSpot does, and checks the answer: status 200, a JSON content type, JSON
 * that matches the webhook response schema. Never throws for a bad webhook.
 */
export async function fetchWebhookNumbers(url: string, appId: number, options: ProbeWebhookOptions): Promise<WebhookAnswer> {
  const body = JSON.stringify({ appId, portalId: options.portalId, userId: options.userId });
  const signed = signRequestV3({ secret: options.secret, method: 'POST', uri: url, body, now: options.now() });
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
    request.on('downloadProgress', (progress: { transferred: number }) => {
      if (progress.transferred > MAX_ANSWER_BYTES) request.cancel();
    });
    response = await request;
  } catch (error) {
    return { ok: false, error: describeRequestError(error, options.timeoutMs) };
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
  const verdict = validateWebhookResponse(parsed);
  if (!verdict.ok) return { ok: false, error: `the answer does not match the webhook response schema: ${verdict.errors.join('; ')}` };
  return { ok: true, numbers: verdict.value.phoneNumbers };
}

/**
 * Probes an app's webhook (`settings.url`) and compares the numbers with the
 * app's fixture (after the 24-code-point truncation). Precondition: the app
 * has `ensure: present` (settings set). With no numbers declared, every
 * number answered is `unexpected`, in answer order.
 */
export async function probeWebhook(app: AppConfig, options: ProbeWebhookOptions): Promise<WebhookFinding> {
  if (app.settings === null) return errorFinding('', `app ${app.appId} has no settings (ensure: absent)`);
  const url = app.settings.url;
  const answer = await fetchWebhookNumbers(url, app.appId, options);
  if (!answer.ok) return errorFinding(url, answer.error);
  const comparison = compareNumbers(fixtureNumbers(app), answer.numbers);
  return { status: numbersMatch(comparison) ? 'match' : 'mismatch', url, ...comparison };
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
  const text = body.subarray(0, 200).toString('utf8').replace(/\s+/g, ' ').trim();
  return text === '' ? '' : `: ${text}${body.length > 200 ? '…' : ''}`;
}
