import { parsePhoneNumberFromString, type CountryCode } from 'libphonenumber-js'

const separators = /[\s\-().+\u00a0]/g

/**
 * A phone as WhatsApp wants it: digits with the country code. Returns the digits, or why the number
 * is refused. Without `defaultCountry` a number must carry its country code.
 */
export function normalisePhone (raw: string, defaultCountry?: CountryCode): { phone: string } | { reason: string } {
  const stripped = raw.trim().replace(separators, '')
  if (stripped === '') return { reason: 'empty phone number' }
  if (!/^\d+$/.test(stripped)) return { reason: 'a phone number holds only digits, +, spaces, dashes, dots and brackets' }
  const hasCountryCode = raw.trim().startsWith('+') || defaultCountry === undefined
  const parsed = hasCountryCode
    ? parsePhoneNumberFromString(`+${stripped}`)
    : parsePhoneNumberFromString(stripped, defaultCountry)
  if (parsed === undefined || !parsed.isValid()) return { reason: invalidReason(raw, defaultCountry) }
  return { phone: `${parsed.countryCallingCode}${parsed.nationalNumber}` }
}

/** Why a number of the right characters is refused, and what would make it pass. */
function invalidReason (raw: string, defaultCountry?: CountryCode): string {
  if (raw.trim().startsWith('+')) return 'not a valid phone number for the country code it starts with'
  if (defaultCountry === undefined) return 'not a valid phone number with its country code: add the country code (e.g. 91 for India, 1 for the US) or set defaultCountry'
  return `not a valid phone number of ${defaultCountry} (the default country) nor with its country code`
}
