import createError from '@fastify/error'

/** The answers of the webhook routes that are not a 200: Meta retries anything else for up to 7 days. */
export const WebhookNotConfiguredError = createError('WAC_WEBHOOK_NOT_CONFIGURED', 'Webhooks are not configured: give the plugin the option webhook.appSecret (the Meta app\'s secret) so that signed events can be checked; unsigned events are never accepted', 503)
export const WebhookVerificationError = createError<[string]>('WAC_WEBHOOK_VERIFICATION', 'Webhook verification refused: %s', 403)
export const WebhookSignatureError = createError<[string]>('WAC_WEBHOOK_SIGNATURE', '%s', 401)
export const WebhookInvalidJsonError = createError('FST_ERR_CTP_INVALID_JSON_BODY', 'The body is not valid JSON', 400)
export const WebhookBodyError = createError<[string]>('WAC_WEBHOOK_INVALID_BODY', 'Not a webhook body: %s', 400)
export const WebhookStoreError = createError('WAC_WEBHOOK_NOT_STORED', 'The events could not be stored; nothing of them was applied: send them again', 503)
