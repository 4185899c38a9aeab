import type { FastifyInstance, FastifyReply } from 'fastify'
import type { GraphErrorSpec } from './graph-error.js'

export type MessagingLimitTier = 'TIER_250' | 'TIER_2K' | 'TIER_10K' | 'TIER_100K' | 'TIER_UNLIMITED'
export type QualityRating = 'GREEN' | 'YELLOW' | 'RED' | 'UNKNOWN'
export type ThroughputLevel = 'STANDARD' | 'HIGH'

/** What `GET /{phone-number-id}` tells of a number's standing with Meta. */
export interface NumberQuality {
  messagingLimitTier: MessagingLimitTier
  qualityRating: QualityRating
  throughput: ThroughputLevel
}

/** A new number's standing at Meta: the lowest tier, a good rating, the default 80 msg/s. */
export const defaultNumberQuality: NumberQuality = { messagingLimitTier: 'TIER_250', qualityRating: 'GREEN', throughput: 'STANDARD' }

const tiers: readonly MessagingLimitTier[] = ['TIER_250', 'TIER_2K', 'TIER_10K', 'TIER_100K', 'TIER_UNLIMITED']
const ratings: readonly QualityRating[] = ['GREEN', 'YELLOW', 'RED', 'UNKNOWN']
const levels: readonly ThroughputLevel[] = ['STANDARD', 'HIGH']

/** A number's standing with the given fields over `base`; a value Meta never gives is refused. */
export function numberQualityOf (given: Partial<NumberQuality>, base: NumberQuality = defaultNumberQuality): NumberQuality {
  const quality = { ...base, ...Object.fromEntries(Object.entries(given).filter(([, value]) => value !== undefined)) }
  if (!tiers.includes(quality.messagingLimitTier)) throw new TypeError(`messagingLimitTier must be one of ${tiers.join(', ')}, got ${String(quality.messagingLimitTier)}`)
  if (!ratings.includes(quality.qualityRating)) throw new TypeError(`qualityRating must be one of ${ratings.join(', ')}, got ${String(quality.qualityRating)}`)
  if (!levels.includes(quality.throughput)) throw new TypeError(`throughput must be one of ${levels.join(', ')}, got ${String(quality.throughput)}`)
  return quality
}

/** Each number's standing: from the `numbers` option, changed at run time by `setNumberQuality`. */
export class NumberQualities {
  #byId = new Map<string, NumberQuality>()

  constructor (numbers: Record<string, Partial<NumberQuality>> = {}) {
    this.configure(numbers)
  }

  configure (numbers: Record<string, Partial<NumberQuality>> = {}): void {
    this.#byId = new Map(Object.entries(numbers).map(([id, quality]) => [id, numberQualityOf(quality)]))
  }

  get (phoneNumberId: string): NumberQuality {
    return this.#byId.get(phoneNumberId) ?? defaultNumberQuality
  }

  set (phoneNumberId: string, changes: Partial<NumberQuality>): NumberQuality {
    const quality = numberQualityOf(changes, this.get(phoneNumberId))
    this.#byId.set(phoneNumberId, quality)
    return quality
  }
}

/** The fields a phone number node answers, as Graph names them; `whatsapp_business_manager_messaging_limit` is the tier's newer name. */
const fieldValues: Record<string, (quality: NumberQuality) => unknown> = {
  messaging_limit_tier: quality => quality.messagingLimitTier,
  whatsapp_business_manager_messaging_limit: quality => quality.messagingLimitTier,
  quality_rating: quality => quality.qualityRating,
  throughput: quality => ({ level: quality.throughput })
}
/** Graph's default fields when none are asked for (a fake's display number stands in for the real one). */
const defaultFields = ['quality_rating']

const BEARER = /^(?:Bearer|OAuth)\s+(\S+)\s*$/i

export interface PhoneNumberRoutesOptions {
  numbers: NumberQualities
  /** The token Graph takes, and the known number ids (undefined: any). */
  access: () => { accessToken: string, phoneNumberIds: ReadonlySet<string> | undefined }
  answerError: (reply: FastifyReply, spec: GraphErrorSpec) => FastifyReply
  version: RegExp
  /** The content type of Graph's JSON answers. */
  jsonType: string
  unknownPath: (url: string) => GraphErrorSpec
}

/** `GET /:version/:phoneNumberId?fields=…`: the number's tier, quality rating and throughput level, the token checked as on sends. */
export function phoneNumberRoutes (app: FastifyInstance, options: PhoneNumberRoutesOptions): void {
  app.get<{ Params: { version: string, phoneNumberId: string }, Querystring: { fields?: string, access_token?: string } }>(
    '/:version/:phoneNumberId',
    async (request, reply) => {
      const { answerError } = options
      if (!options.version.test(request.params.version)) return answerError(reply, options.unknownPath(request.url))
      const { accessToken, phoneNumberIds } = options.access()
      const token = BEARER.exec(request.headers.authorization ?? '')?.[1] ?? request.query.access_token
      if (token === undefined) return answerError(reply, { code: 190, message: 'An access token is required to request this resource.' })
      if (token !== accessToken) return answerError(reply, { code: 190, message: 'Invalid OAuth access token - Cannot parse access token' })
      const id = request.params.phoneNumberId
      if (phoneNumberIds !== undefined && !phoneNumberIds.has(id)) return answerError(reply, unsupportedGet(id))
      const asked = request.query.fields === undefined ? defaultFields : request.query.fields.split(',').map(field => field.trim()).filter(field => field !== '')
      const unknown = asked.find(field => fieldValues[field] === undefined && field !== 'id')
      if (unknown !== undefined) {
        return answerError(reply, { code: 100, message: `(#100) Tried accessing nonexisting field (${unknown}) on node type (WhatsAppBusinessPhoneNumber)` })
      }
      const quality = options.numbers.get(id)
      const body: Record<string, unknown> = {}
      for (const field of asked) if (field !== 'id') body[field] = fieldValues[field](quality)
      body.id = id
      return reply.code(200).header('content-type', options.jsonType).send(JSON.stringify(body))
    }
  )
}

function unsupportedGet (id: string): GraphErrorSpec {
  return {
    code: 100,
    subcode: 33,
    type: 'GraphMethodException',
    message: `Unsupported get request. Object with ID '${id}' does not exist, cannot be loaded due to missing permissions, or does not support this operation. Please read the Graph API documentation at https://developers.facebook.com/docs/graph-api`
  }
}
