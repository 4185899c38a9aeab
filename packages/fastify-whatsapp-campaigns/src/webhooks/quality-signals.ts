import { Type, type Static } from '@sinclair/typebox'
import { TypeCompiler } from '@sinclair/typebox/compiler'
import type { RunError } from '../schemas/campaign.js'

/**
 * The value of a `phone_number_quality_update` change, as Meta documents it: the number by its display
 * form, what happened (`FLAGGED`, `UNFLAGGED`, `DOWNGRADE`, `UPGRADE`, `ONBOARDING`,
 * `THROUGHPUT_UPGRADE`), and the messaging limit before and after (`TIER_250`…; the portfolio's in
 * `max_daily_conversations_per_business`, which replaces `current_limit`).
 */
export const QualityUpdateValue = Type.Object({
  display_phone_number: Type.String({ minLength: 1, maxLength: 64 }),
  event: Type.Optional(Type.String({ maxLength: 64 })),
  current_limit: Type.Optional(Type.String({ maxLength: 64 })),
  old_limit: Type.Optional(Type.String({ maxLength: 64 })),
  max_daily_conversations_per_business: Type.Optional(Type.String({ maxLength: 64 }))
})
export type QualityUpdate = Static<typeof QualityUpdateValue>

export const isQualityUpdate = TypeCompiler.Compile(QualityUpdateValue)

/** A quality update that asks the runs sending from the number to stop, with the reason they show. */
export interface QualityPause {
  /** The number's display form, digits only. */
  displayPhoneNumber: string
  reason: RunError
}

/** Meta's messaging tiers, lowest first: a limit that moves left is a downgrade. */
const tiers = ['TIER_50', 'TIER_250', 'TIER_1K', 'TIER_2K', 'TIER_10K', 'TIER_100K', 'TIER_UNLIMITED']

function tierRank (limit: string | undefined): number {
  return limit === undefined ? -1 : tiers.indexOf(limit)
}

export function displayDigits (display: string): string {
  return display.replace(/\D/g, '')
}

const resumeLater = 'Look at the number\'s quality in the WhatsApp Manager, then resume the campaign (or cancel it).'

/**
 * Whether an update should pause the number's runs: its quality was flagged (it dropped to low; a
 * further drop lowers its limit), or its messaging limit went down. Anything else (unflagged, an
 * upgrade, onboarding) leaves runs as they are: a paused run is resumed by a person.
 */
export function qualityPauseOf (value: QualityUpdate): QualityPause | null {
  const displayPhoneNumber = displayDigits(value.display_phone_number)
  if (displayPhoneNumber === '') return null
  const current = value.max_daily_conversations_per_business ?? value.current_limit
  if (value.event === 'FLAGGED') {
    return {
      displayPhoneNumber,
      reason: { code: 'QUALITY_FLAGGED', title: 'The sending number\'s quality dropped', message: `Meta flagged the quality of ${displayPhoneNumber} (its rating is low: sending on may lower its messaging limit), so the runs sending from it paused. ${resumeLater}` }
    }
  }
  const oldRank = tierRank(value.old_limit)
  const downgraded = value.event === 'DOWNGRADE' || (oldRank >= 0 && tierRank(current) >= 0 && tierRank(current) < oldRank)
  if (!downgraded) return null
  return {
    displayPhoneNumber,
    reason: { code: 'TIER_DOWNGRADED', title: 'The sending number\'s messaging limit went down', message: `Meta lowered the messaging limit of ${displayPhoneNumber}${value.old_limit === undefined ? '' : ` from ${value.old_limit}`}${current === undefined ? '' : ` to ${current}`}, so the runs sending from it paused. ${resumeLater}` }
  }
}
