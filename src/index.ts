// The library entry of `hubspot-channel-connection`: what a provider's own
// production webhook needs, framework-free (DESIGN.md "Library"). It loads
// no CLI code, no got and no commander; `serve` and `probe` use the same
// signature code.
export {
  verifySignatureV3,
  signRequestV3,
  MAX_TIMESTAMP_SKEW_MS,
  type HeadersLike,
  type SignatureFailure,
  type SignatureVerdict,
  type SignedHeadersV3,
  type SignRequestV3Options,
  type VerifySignatureV3Options,
} from './webhook/signature.js';
export {
  channelConnectionResponse,
  truncateCodePoints,
  FRIENDLY_NAME_MAX_CODE_POINTS,
  InvalidPhoneNumberError,
  type PhoneNumberInput,
} from './webhook/response.js';
export type { WebhookPhoneNumber, WebhookResponseJson } from './webhook/response-schema.js';
export { webhookResponseSchema } from './webhook/response-schema-document.js';
