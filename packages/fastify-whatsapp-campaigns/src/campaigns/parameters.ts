interface Recipient {
  phone: string
  name: string | null
  parameters: string[] | null
}

const placeholder = /\{\{\s*(name|phone)\s*\}\}/g

/**
 * The body parameters one recipient gets: the contact's own if given; else the campaign's with
 * `{{name}}` and `{{phone}}` filled in; else `[name]` when the contact has a name (what the original
 * app did); else none, and the message goes without a body component.
 */
export function bodyParametersFor (recipient: Recipient, campaignParameters: string[]): string[] {
  if (recipient.parameters !== null && recipient.parameters.length > 0) return recipient.parameters
  if (campaignParameters.length > 0) {
    return campaignParameters.map(value =>
      value.replace(placeholder, (_, key: 'name' | 'phone') => key === 'name' ? (recipient.name ?? '') : recipient.phone))
  }
  return recipient.name !== null ? [recipient.name] : []
}
