import { getCountries, getCountryCallingCode, parsePhoneNumberFromString } from 'libphonenumber-js'
import type { PreflightCost, PricingCategory } from '../schemas/preflight.js'

/** Per country calling code (`'91'`, `'1'`…), the price of one template message in each category. */
export type PriceTable = Record<string, Partial<Record<PricingCategory, number>>>

export interface Pricing {
  table?: PriceTable
  currency: string
}

/**
 * Every country's calling code, from libphonenumber's metadata. The codes are a prefix code (no code
 * starts another), so a phone's is the one of its first 1-3 digits in the set: a lookup instead of a
 * parse of each number, which costs a hundred-thousand-recipient campaign about a second.
 */
const callingCodes = new Set(getCountries().map(country => getCountryCallingCode(country) as string))

/** The country calling code a phone (digits with it) starts with; 'unknown' when none does. */
export function callingCodeOf (phone: string): string {
  for (let length = 1; length <= 3; length++) {
    const prefix = phone.slice(0, length)
    if (callingCodes.has(prefix)) return prefix
  }
  // Non-geographic numbers (800, 882…) are not a country's.
  return parsePhoneNumberFromString(`+${phone}`)?.countryCallingCode ?? 'unknown'
}

const noTable = 'No price table is configured, and none is built in: pass the plugin the `pricing` option ({ [callingCode]: { marketing, utility, authentication } }, per message) and `currency` for an estimate'
const noCategory = "The template's category is not known: give `category` (marketing, utility or authentication), or configure the template catalogue"

/** Rounded to four decimals, as Meta's rate cards give their rates: no float dust in a total. */
function money (value: number): number {
  return Math.round(value * 10_000) / 10_000
}

/** What the recipients would cost, by their calling codes and the category's rate in the table. */
export function estimateCost (phones: string[], category: { value: PricingCategory | null, from: PreflightCost['categoryFrom'] }, pricing: Pricing): PreflightCost {
  const counts = new Map<string, number>()
  for (const phone of phones) {
    const code = callingCodeOf(phone)
    counts.set(code, (counts.get(code) ?? 0) + 1)
  }
  const table = pricing.table
  const priced = table !== undefined && category.value !== null
  let total = 0
  let unpriced = 0
  const byCallingCode = [...counts.entries()]
    .sort(([a, x], [b, y]) => y - x || (a < b ? -1 : 1))
    .map(([callingCode, recipients]) => {
      const rate = priced ? table[callingCode]?.[category.value as PricingCategory] ?? null : null
      if (rate === null) unpriced += recipients
      else total += rate * recipients
      return { callingCode, recipients, rate, cost: rate === null ? null : money(rate * recipients) }
    })
  const cost: PreflightCost = {
    currency: table === undefined ? null : pricing.currency,
    category: category.value,
    categoryFrom: category.from,
    total: priced ? money(total) : null,
    unpriced: priced ? unpriced : phones.length,
    byCallingCode
  }
  if (table === undefined) cost.note = noTable
  else if (category.value === null) cost.note = noCategory
  else if (unpriced > 0) cost.note = `${unpriced} recipient${unpriced === 1 ? '' : 's'} of calling codes without a ${category.value} rate in the price table are not in the total`
  return cost
}
