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
  if (parsed === undefined || !parsed.isValid()) return { reason: 'not a valid phone number with its country code' }
  return { phone: `${parsed.countryCallingCode}${parsed.nationalNumber}` }
}
