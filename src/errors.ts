/**
 * A problem the user can fix (bad input, missing credential, remote refusal).
 * Printed as its message alone, exit code 1, never with a stack trace.
 */
export class UserError extends Error {
  override readonly name: string = 'UserError';
  /** Optional next step shown under the message. */
  readonly hint: string | undefined;
  /** HubSpot's correlation id, when the failure came from HubSpot. */
  readonly correlationId: string | undefined;
  /** Exit once the error is written, without waiting for requests the command abandoned. */
  readonly exitNow: boolean;
  /** The report the command already printed (and the step summary) carries this error: it goes only to stderr. */
  readonly inReport: boolean;
  /**
   * Lines saying what exactly failed (a config's diagnostics) that stderr
   * already showed above the message: the JSON error document and the step
   * summary carry them too.
   */
  readonly details: readonly string[] | undefined;

  constructor(
    message: string,
    options: { hint?: string; correlationId?: string; cause?: unknown; exitNow?: boolean; inReport?: boolean; details?: readonly string[] } = {},
  ) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.hint = options.hint;
    this.correlationId = options.correlationId;
    this.exitNow = options.exitNow === true;
    this.inReport = options.inReport === true;
    this.details = options.details;
  }
}

/** What every view says of a failed run (JSON `error`, the step summary, markdown): the message, its id, hint and details. */
export function failureOf(error: UserError): { message: string; correlationId?: string; hint?: string; details?: string[] } {
  return {
    message: error.message,
    ...(error.correlationId === undefined ? {} : { correlationId: error.correlationId }),
    ...(error.hint === undefined ? {} : { hint: error.hint }),
    ...(error.details === undefined || error.details.length === 0 ? {} : { details: [...error.details] }),
  };
}

/** True for errors whose message is meant for the user as is. */
export function isUserError(error: unknown): error is UserError {
  return error instanceof UserError;
}
