import createError from '@fastify/error'
import type { InvalidRow } from './schemas/errors.js'

export const CampaignNotFoundError = createError<[number]>('WAC_CAMPAIGN_NOT_FOUND', 'Campaign %s not found', 404)
export const RunNotFoundError = createError<[number, number]>('WAC_RUN_NOT_FOUND', 'Campaign %s has no run %s: GET /campaigns/:id/runs lists its runs', 404)
export const CampaignStatusError = createError<[string]>('WAC_CAMPAIGN_STATUS', '%s', 409)
export const TooManyContactsError = createError<[number, number]>('WAC_TOO_MANY_CONTACTS', 'A campaign holds at most %s contacts (distinct phones); this list has more, in %s rows', 400)
export const NoRecipientsError = createError<[number]>('WAC_NO_RECIPIENTS', 'Campaign %s has no recipient to send to: no contacts, or no failed recipient to send to again', 409)
export const InvalidScheduleError = createError<[string, string]>('WAC_INVALID_SCHEDULE', 'scheduledAt %s is not a real date and time: write one such as %s', 400)
export const PastScheduleError = createError<[string, string, string]>('WAC_INVALID_SCHEDULE', 'scheduledAt %s is %s in the past: give a time to come, such as %s, or leave scheduledAt out and run the campaign now', 400)
/** The message says what to do; the code is Fastify's own for a body it cannot parse. */
export const UnsupportedMediaTypeError = createError<[string]>('FST_ERR_CTP_INVALID_MEDIA_TYPE', 'Unsupported Media Type: %s; send application/json', 415)
export const MissingRecipientsError = createError('WAC_MISSING_RECIPIENTS', 'Give the recipients as contacts or phoneNumbers', 400)
const InvalidRowsBase = createError<[string]>('WAC_INVALID_CONTACTS', '%s', 400)

/** A 400 that names every refused row (index, value, reason) in `details`. */
export function invalidRowsError (field: string, rows: InvalidRow[]): Error & { details: InvalidRow[] } {
  const shown = rows.slice(0, 5).map(r => `#${r.index} ${JSON.stringify(r.value)}: ${r.reason}`).join('; ')
  const more = rows.length > 5 ? `; and ${rows.length - 5} more (see details)` : ''
  return Object.assign(new InvalidRowsBase(`${rows.length} invalid ${field}: ${shown}${more}`), { details: rows })
}
export const NeverRanError = createError<[number]>('WAC_NEVER_RAN', 'Campaign %s never ran: its figures come with its first run', 404)
export const OptOutNotFoundError = createError<[string]>('WAC_OPT_OUT_NOT_FOUND', '%s is not on the opt-out list', 404)
export const InvalidPeriodError = createError<[string, string]>('WAC_INVALID_PERIOD', 'The period must end after it starts: from %s, to %s', 400)
export const InvalidPeriodTimeError = createError<[string, string, string]>('WAC_INVALID_PERIOD', '%s %s is not a real date and time: write one such as %s', 400)
/** Text PostgreSQL cannot hold (a NUL) or that is not text at all (half of a UTF-16 surrogate pair). */
export const InvalidTextError = createError<[string]>('WAC_INVALID_TEXT', '%s', 400)
export const TemplateNotFoundError = createError<[string]>('WAC_TEMPLATE_NOT_FOUND', '%s', 422)
export const TemplateNotApprovedError = createError<[string]>('WAC_TEMPLATE_NOT_APPROVED', '%s', 409)
export const TemplateParametersError = createError<[string]>('WAC_TEMPLATE_PARAMETERS', '%s', 422)
export const TemplateComponentsError = createError<[string]>('WAC_TEMPLATE_COMPONENTS', '%s', 422)
export const TemplatesUnavailableError = createError<[string, string]>('WAC_TEMPLATES_UNAVAILABLE', 'The templates of WhatsApp business account %s could not be read, so the template cannot be checked: %s', 502)
export const RateLimitedError = createError<[number, string]>('WAC_RATE_LIMITED', 'Too many requests: at most %s in %s from one client; wait and try again (see the Retry-After header)', 429)
