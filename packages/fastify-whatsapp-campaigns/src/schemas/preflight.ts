import { Type, type Static } from '@sinclair/typebox'
import { CheckedContact } from './contacts-check.js'
import { CreateCampaignBody } from './requests.js'

/** Meta's pricing categories a template message is billed in. */
export const PricingCategory = Type.Union([Type.Literal('marketing'), Type.Literal('utility'), Type.Literal('authentication')], {
  description: "The template's category, as Meta bills it (used when the template catalogue does not say)",
  'x-rule': 'must be marketing, utility or authentication'
})
export type PricingCategory = Static<typeof PricingCategory>

const category = { category: Type.Optional(PricingCategory) }

/** A saved campaign's preflight: nothing to give but, when no template catalogue says it, the category. */
export const CampaignPreflightBody = Type.Union([
  Type.Object(category, { additionalProperties: false }),
  Type.Null()
], { 'x-rule': 'must be empty or a JSON object such as {"category": "marketing"}' })
export type CampaignPreflightBody = Static<typeof CampaignPreflightBody>

/** An unsaved draft: what POST /campaigns takes, and the category. */
export const DraftPreflightBody = Type.Composite([CreateCampaignBody, Type.Object(category)], {
  additionalProperties: false,
  'x-ignored-fields': CreateCampaignBody['x-ignored-fields']
})
export type DraftPreflightBody = Static<typeof DraftPreflightBody>

const PreflightContacts = Type.Object({
  counts: Type.Object({
    valid: Type.Integer({ description: 'Rows a run messages' }),
    invalid: Type.Integer(),
    duplicate: Type.Integer(),
    optedOut: Type.Integer({ description: 'Kept by the campaign and skipped by its runs' })
  }),
  rows: Type.Array(CheckedContact, { description: 'The rows that are not valid (invalid, duplicate, opted out), in order, up to `inlineLimit`' }),
  rowsTruncated: Type.Optional(Type.Literal(true, { description: 'More rows are not valid than `rows` shows' }))
})

const TemplateVerdict = Type.Union([
  Type.Object({
    checked: Type.Literal(false),
    reason: Type.String({ description: 'Why the template was not checked, e.g. not configured (no template catalogue)' })
  }),
  Type.Object({
    checked: Type.Literal(true),
    ok: Type.Boolean(),
    statusCode: Type.Optional(Type.Integer({ description: 'What a run would be refused with' })),
    code: Type.Optional(Type.String()),
    message: Type.Optional(Type.String({ description: 'What is wrong, e.g. "template order_update (en) needs 2 body parameters; the campaign gives 1"' }))
  })
])

const SendingNumber = Type.Object({
  phoneNumberId: Type.String(),
  checked: Type.Boolean({ description: 'Whether the Graph API told the tier and quality rating (see `reason` when not)' }),
  reason: Type.Optional(Type.String()),
  tier: Type.Optional(Type.String({ description: 'messaging_limit_tier: TIER_250, TIER_2K, TIER_10K, TIER_100K or TIER_UNLIMITED' })),
  limit: Type.Optional(Type.Union([Type.Integer(), Type.Null()], { description: 'Unique recipients a moving 24 h allows; null: unlimited' })),
  qualityRating: Type.Optional(Type.String({ description: 'GREEN, YELLOW, RED or UNKNOWN' })),
  throughput: Type.Optional(Type.String({ description: 'STANDARD or HIGH' })),
  reachedLast24h: Type.Integer({ description: 'Distinct phones this number messaged (Meta accepted) in the last 24 h' }),
  alreadyReached: Type.Integer({ description: "Of this run's recipients, those among them: they do not count again" }),
  newRecipients: Type.Integer({ description: "This run's recipients that would count toward the limit" }),
  fits: Type.Union([Type.Boolean(), Type.Null()], { description: 'Whether reachedLast24h + newRecipients stays within the limit; null when the tier is not known' }),
  refused: Type.Union([Type.Integer(), Type.Null()], { description: 'How many recipients past the limit Meta would not deliver; null when the tier is not known' })
})

const Duration = Type.Object({
  recipients: Type.Integer({ description: 'Messages the run sends' }),
  messagesPerSecond: Type.Number({ description: 'The configured pace (sending.messagesPerSecond)' }),
  seconds: Type.Integer(),
  text: Type.String({ description: 'The same, e.g. "20 min 50 s"' })
})

const CostLine = Type.Object({
  callingCode: Type.String({ description: "The recipients' country calling code, e.g. 91" }),
  recipients: Type.Integer(),
  rate: Type.Union([Type.Number(), Type.Null()], { description: "The price table's rate for the category; null when it has none" }),
  cost: Type.Union([Type.Number(), Type.Null()])
})

const Cost = Type.Object({
  currency: Type.Union([Type.String(), Type.Null()], { description: 'The `currency` option; null without a price table' }),
  category: Type.Union([PricingCategory, Type.Null()], { description: 'null: not known' }),
  categoryFrom: Type.Union([Type.Literal('template'), Type.Literal('request'), Type.Literal('unknown')]),
  total: Type.Union([Type.Number(), Type.Null()], { description: 'The sum over the calling codes; null without a price table or a category' }),
  unpriced: Type.Integer({ description: 'Recipients whose calling code has no rate for the category' }),
  byCallingCode: Type.Array(CostLine, { description: 'Most recipients first' }),
  note: Type.Optional(Type.String())
})

/** What a run of the campaign would do, told before anything is sent; nothing is stored. */
export const Preflight = Type.Object({
  recipients: Type.Integer({ description: 'Distinct valid phones: what a campaign keeps' }),
  toSend: Type.Integer({ description: 'Recipients a run messages: the opted-out ones left out' }),
  contacts: PreflightContacts,
  template: TemplateVerdict,
  number: SendingNumber,
  duration: Duration,
  cost: Cost,
  warnings: Type.Array(Type.String(), { description: 'What should make a person think before Send now, in words' })
}, { title: 'Preflight' })
export type Preflight = Static<typeof Preflight>
export type PreflightContacts = Static<typeof PreflightContacts>
export type TemplateVerdict = Static<typeof TemplateVerdict>
export type SendingNumber = Static<typeof SendingNumber>
export type PreflightCost = Static<typeof Cost>
