// Public API of outgoing webhooks: the signed, retrying sender and the signature helpers receivers can use.

export {
  computeSignature,
  SIGNATURE_HEADER,
  signatureHeader,
  type VerifyFailure,
  verifySignature,
} from "./signature.ts";
export {
  type AttemptRecord,
  backoffDelay,
  createWebhookSender,
  type DeliveryResult,
  isRetryableStatus,
  newWebhookEvent,
  WEBHOOK_EVENT_TYPES,
  WebhookConfigError,
  type WebhookErrorCode,
  type WebhookEvent,
  type WebhookEventType,
  type WebhookSender,
  type WebhookSenderOptions,
} from "./webhook-sender.ts";
