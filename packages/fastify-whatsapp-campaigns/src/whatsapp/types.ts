/** One template message to one recipient, as the engine asks for it. */
export interface TemplateMessage {
  /** Digits with the country code. */
  to: string
  templateName: string
  /** `en`, `en_US`… */
  language: string
  /** Body parameters `{{1}}`, `{{2}}`… in order; none means no body component. */
  bodyParameters: string[]
  /** Sent as `biz_opaque_callback_data`: it comes back on the message's status webhooks. */
  callbackData?: string
}

/**
 * What became of one send, classified by the error-code table in whatsapp/errors.ts. The engine acts
 * on `kind` alone and never looks at HTTP statuses or Meta's codes itself.
 */
export type SendOutcome =
  | { kind: 'sent', messageId: string }
  /**
   * Try again later. `scope: 'number'` means the sending number is throttled (130429, 4, 80007: slow
   * every send down); `'recipient'` means only this recipient must wait (131056); `'transient'` is a
   * passing failure (5xx, network, timeout, 131000, 131016…).
   */
  | { kind: 'retry', scope: 'number' | 'recipient' | 'transient', code: number | string, title: string }
  /**
   * Meta's per-user marketing limit (131049): this recipient may get the message no sooner than a day
   * later (an early retry can lock them out for another day); the others go on.
   */
  | { kind: 'user-limit', code: number | string, title: string }
  /** Permanent for this recipient: fail it, go on with the others. `optOut`: the recipient stopped such messages (131050). */
  | { kind: 'failed', code: number | string, title: string, optOut?: boolean }
  /**
   * The request may or may not have reached Meta (connection reset or timeout after it was written).
   * Resending could deliver it twice, so the engine fails the recipient with this code instead.
   */
  | { kind: 'unknown', code: string, title: string }
  /**
   * Sending on would harm the account (spam rate limit 131048, category limit 131064): the run pauses
   * with the reason and this recipient stays pending, to be sent when a person resumes.
   */
  | { kind: 'pause', code: number | string, title: string, message: string }
  /** Stops the whole run: refused token, missing permission, template missing/paused/disabled, blocked account. */
  | { kind: 'halt', code: number | string, title: string, message: string }

export interface WhatsAppSender {
  send (message: TemplateMessage): Promise<SendOutcome>
  close (): Promise<void>
}
