import { Type, type Static } from '@sinclair/typebox'
import { ErrorResponse } from './errors.js'

export const TemplateStatus = Type.String({
  description: "Meta's review status: APPROVED, PENDING, REJECTED, PAUSED, DISABLED, IN_APPEAL, PENDING_DELETION, DELETED, LIMIT_EXCEEDED; only APPROVED can be sent"
})

export const TemplateParameterFormat = Type.Union([Type.Literal('POSITIONAL'), Type.Literal('NAMED')], {
  description: 'POSITIONAL: `{{1}}`, `{{2}}`…; NAMED: `{{first_name}}`…'
})

/** What one component's variables ask of a send. */
const Variables = {
  parameters: Type.Integer({ minimum: 0, description: 'Distinct variables the component needs a value for' }),
  names: Type.Array(Type.String(), { description: 'The variables as written between the braces, in first-use order: `1`, `2`… or `first_name`…' })
}

export const TemplateBody = Type.Object({ text: Type.String(), ...Variables })

export const TemplateHeader = Type.Object({
  format: Type.String({ description: 'TEXT, IMAGE, VIDEO, DOCUMENT or LOCATION; media and location headers need one parameter' }),
  text: Type.Optional(Type.String()),
  ...Variables
})

export const TemplateButton = Type.Object({
  type: Type.String({ description: 'URL, QUICK_REPLY, PHONE_NUMBER, COPY_CODE…' }),
  text: Type.Optional(Type.String()),
  url: Type.Optional(Type.String()),
  ...Variables
})

/** One template of the business account in one language, as `GET /templates` lists it and the check reads it. */
export const Template = Type.Object({
  id: Type.String({ description: "Meta's template id (16 digits: a string)" }),
  name: Type.String(),
  language: Type.String({ description: 'e.g. en_US: a template is unique by name and language' }),
  status: TemplateStatus,
  category: Type.String({ description: 'MARKETING, UTILITY or AUTHENTICATION' }),
  parameterFormat: TemplateParameterFormat,
  body: Type.Union([TemplateBody, Type.Null()]),
  header: Type.Union([TemplateHeader, Type.Null()]),
  buttons: Type.Array(TemplateButton)
}, { title: 'Template' })
export type Template = Static<typeof Template>

export const ListTemplatesQuery = Type.Object({
  name: Type.Optional(Type.String({ maxLength: 512, description: 'Only the template of this name (in every language)' })),
  status: Type.Optional(Type.String({ maxLength: 32, description: 'Only templates in this status, e.g. APPROVED' }))
}, { additionalProperties: false })
export type ListTemplatesQuery = Static<typeof ListTemplatesQuery>

/**
 * The answers a template check adds to the routes that start or save a campaign: 409 for a template
 * that is not APPROVED, 422 for one the campaign does not fit (or missing), 502 when Graph could not be read.
 */
export const templateCheckResponses = { 409: ErrorResponse, 422: ErrorResponse, 502: ErrorResponse }
