import type { TemplateDefinition } from 'whatsapp-cloud-fake'

/** How the local fake of the Cloud API behaves when no WHATSAPP_ACCESS_TOKEN is set. */
export interface SandboxConfig {
  /** The share (0-1) of sends answered with a Meta error; see `sandbox-failures.ts` for which. */
  failureRate: number
  /** The approved templates (no language: every language); undefined accepts any template. */
  templates?: TemplateDefinition[]
  latencyMs: { min: number, max: number }
}

// The plugin's own rules for names and languages: a template it would refuse could never be sent anyway.
const templateName = /^[a-z0-9_]{1,512}$/
const language = /^[a-z]{2,3}(_[A-Za-z]{2,4})?$/

export function sandboxFromEnv (env: NodeJS.ProcessEnv): SandboxConfig {
  return {
    failureRate: failureRateOf(env.SANDBOX_FAILURE_RATE?.trim()),
    templates: templatesOf(env.SANDBOX_TEMPLATES?.trim()),
    latencyMs: latencyOf(env.SANDBOX_LATENCY_MS?.trim())
  }
}

function failureRateOf (raw: string | undefined): number {
  if (raw === undefined || raw === '') return 0
  const rate = Number(raw)
  if (!Number.isFinite(rate) || rate < 0 || rate > 1) {
    throw new Error(`SANDBOX_FAILURE_RATE must be a share between 0 and 1, e.g. 0.1 for one send in ten (got "${raw}")`)
  }
  return rate
}

function templatesOf (raw: string | undefined): TemplateDefinition[] | undefined {
  if (raw === undefined || raw === '') return undefined
  return raw.split(',').map(entry => entry.trim()).filter(entry => entry !== '').map(entry => {
    const [name, lang, ...rest] = entry.split(':')
    if (!templateName.test(name) || rest.length > 0 || (lang !== undefined && !language.test(lang))) {
      throw new Error(`SANDBOX_TEMPLATES is a comma-separated list of name or name:language, e.g. hello_world,order_update:en_US (got "${entry}")`)
    }
    return lang === undefined ? { name } : { name, language: lang }
  })
}

/** The fake's delay before each answer; by default about what Meta takes. */
function latencyOf (raw: string | undefined): { min: number, max: number } {
  if (raw === undefined || raw === '') return { min: 20, max: 80 }
  const match = /^(\d+)(?:\s*-\s*(\d+))?$/.exec(raw)
  const min = Number(match?.[1])
  const max = match?.[2] === undefined ? min : Number(match[2])
  if (match === null || max < min) {
    throw new Error(`SANDBOX_LATENCY_MS must be milliseconds, n or min-max with min <= max, e.g. 50 or 20-80 (got "${raw}")`)
  }
  return { min, max }
}
