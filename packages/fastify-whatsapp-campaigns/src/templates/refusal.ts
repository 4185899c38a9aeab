import { TemplateComponentsError, TemplateNotApprovedError, TemplateNotFoundError, TemplateParametersError } from '../errors.js'
import type { TemplateCheckCode, TemplateVerdict } from './check.js'

const errors: Record<TemplateCheckCode, new (message: string) => Error> = {
  WAC_TEMPLATE_NOT_FOUND: TemplateNotFoundError,
  WAC_TEMPLATE_NOT_APPROVED: TemplateNotApprovedError,
  WAC_TEMPLATE_PARAMETERS: TemplateParametersError,
  WAC_TEMPLATE_COMPONENTS: TemplateComponentsError
}

/** The error a refused verdict is answered with, in Fastify's shape. */
export function refusalError (verdict: Extract<TemplateVerdict, { ok: false }>): Error {
  return new errors[verdict.code](verdict.message)
}
