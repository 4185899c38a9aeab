import { Agent, type Dispatcher } from 'undici'
import { TemplatesUnavailableError } from '../errors.js'
import type { Template } from '../schemas/templates.js'
import { graphErrorFromBody } from '../whatsapp/errors.js'
import { templateFromGraph } from './graph-template.js'

/** Whose templates: a WhatsApp Business Account, read with an account's token. */
export interface CatalogueAccount {
  apiUrl: string
  accessToken: string
  businessAccountId: string
}

/** A template's new status, as a `message_template_status_update` webhook tells it. */
export interface TemplateStatusChange {
  businessAccountId: string
  name: string
  language: string
  status: string
}

export interface TemplateCatalogueOptions {
  /** How long a read list is served before it is read again (ms). */
  ttlMs: number
  /** The caller's dispatcher (tests), never closed by us; default an Agent of the catalogue's own. */
  dispatcher?: Dispatcher
  timeoutMs?: number
}

interface Entry {
  expires: number
  templates: Template[]
}

/** Graph's largest page for this list: fewer round trips against the management rate limit. */
const pageSize = 100
/** Far beyond any account's templates: a paging loop that never ends stops here instead. */
const maxPages = 250
const fields = 'name,language,status,category,id,components,parameter_format'

export const templateKey = (name: string, language: string): string => `${name}\u0000${language}`

/**
 * The business accounts' templates, read from the Graph API (every page) and kept for a short time
 * per account: Meta allows a few hundred management calls an hour, and a run, an edit and the page's
 * picker all ask. Readers that come while a read is under way share it. Status webhooks amend what is
 * kept at once, so a pause is seen before the list is read again.
 */
export class TemplateCatalogue {
  readonly #ttlMs: number
  readonly #timeoutMs: number
  readonly #ownAgent: Agent | undefined
  readonly #dispatcher: Dispatcher
  readonly #entries = new Map<string, Entry & { businessAccountId: string }>()
  readonly #reading = new Map<string, Promise<Template[]>>()
  /** Per account key, bumped by a status change: a read begun before it is not kept, as it may be older. */
  readonly #generation = new Map<string, number>()

  constructor (options: TemplateCatalogueOptions) {
    this.#ttlMs = options.ttlMs
    this.#timeoutMs = options.timeoutMs ?? 15_000
    this.#ownAgent = options.dispatcher === undefined ? new Agent({ connections: 4 }) : undefined
    this.#dispatcher = options.dispatcher ?? (this.#ownAgent as Agent)
  }

  /** Every template of the account, every language, in Graph's order. */
  async list (account: CatalogueAccount): Promise<Template[]> {
    const key = `${account.apiUrl}\u0000${account.businessAccountId}`
    const entry = this.#entries.get(key)
    if (entry !== undefined && entry.expires > Date.now()) return entry.templates
    let reading = this.#reading.get(key)
    if (reading === undefined) {
      const generation = this.#generation.get(key) ?? 0
      reading = this.#read(account).then(templates => {
        if ((this.#generation.get(key) ?? 0) === generation) {
          this.#entries.set(key, { expires: Date.now() + this.#ttlMs, templates, businessAccountId: account.businessAccountId })
        }
        return templates
      }).finally(() => { this.#reading.delete(key) })
      this.#reading.set(key, reading)
    }
    return await reading
  }

  /** The template of that name in that language; undefined when the account has none. */
  async find (account: CatalogueAccount, name: string, language: string): Promise<Template | undefined> {
    return (await this.list(account)).find(t => t.name === name && t.language === language)
  }

  /** A status webhook: the kept lists of that account show the new status from now on. */
  statusChanged (change: TemplateStatusChange): void {
    for (const [key, entry] of this.#entries) {
      if (entry.businessAccountId !== change.businessAccountId) continue
      this.#generation.set(key, (this.#generation.get(key) ?? 0) + 1)
      entry.templates = entry.templates.map(t => t.name === change.name && t.language === change.language ? { ...t, status: change.status } : t)
    }
    for (const key of this.#reading.keys()) {
      if (key.endsWith(`\u0000${change.businessAccountId}`)) this.#generation.set(key, (this.#generation.get(key) ?? 0) + 1)
    }
  }

  async close (): Promise<void> {
    await this.#ownAgent?.close()
  }

  async #read (account: CatalogueAccount): Promise<Template[]> {
    const base = new URL(`${account.apiUrl.replace(/\/+$/, '')}/${encodeURIComponent(account.businessAccountId)}/message_templates`)
    const templates: Template[] = []
    let after: string | undefined
    for (let page = 0; page < maxPages; page++) {
      const url = new URL(base)
      url.searchParams.set('fields', fields)
      url.searchParams.set('limit', String(pageSize))
      // Our own URL with Graph's cursor, never the answer's `next`: the token goes only where the account says.
      if (after !== undefined) url.searchParams.set('after', after)
      const body = await this.#get(url, account)
      for (const item of body.data) {
        const template = templateFromGraph(item)
        if (template !== null) templates.push(template)
      }
      after = body.after
      if (after === undefined) return templates
    }
    return templates
  }

  async #get (url: URL, account: CatalogueAccount): Promise<{ data: unknown[], after?: string }> {
    const fail = (reason: string): Error => new TemplatesUnavailableError(account.businessAccountId, reason.split(account.accessToken).join('[redacted]'))
    let response: Dispatcher.ResponseData
    let text: string
    try {
      response = await this.#dispatcher.request({
        origin: url.origin,
        path: url.pathname + url.search,
        method: 'GET',
        headers: { authorization: `Bearer ${account.accessToken}` },
        headersTimeout: this.#timeoutMs,
        bodyTimeout: this.#timeoutMs
      })
      text = await response.body.text()
    } catch (error) {
      throw fail(`the Graph API did not answer (${(error as Error).message})`)
    }
    let json: unknown
    try {
      json = JSON.parse(text)
    } catch {
      throw fail(`the Graph API answered ${response.statusCode} without JSON`)
    }
    if (response.statusCode < 200 || response.statusCode >= 300) {
      const error = graphErrorFromBody(response.statusCode, json)
      throw fail(`the Graph API answered ${response.statusCode}${error.message === undefined ? '' : `: ${error.message}`}`)
    }
    const { data, paging } = json as { data?: unknown, paging?: { cursors?: { after?: unknown }, next?: unknown } }
    if (!Array.isArray(data)) throw fail('the Graph API answered without a data list')
    const after = paging?.next !== undefined && typeof paging.cursors?.after === 'string' ? paging.cursors.after : undefined
    return { data, after }
  }
}
