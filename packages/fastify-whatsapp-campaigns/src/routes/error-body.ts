import { STATUS_CODES } from 'node:http'
import type { ErrorResponse, InvalidRow } from '../schemas/errors.js'

/** The body of an error answer: Fastify's shape, its `error` the name of its status. */
export function errorBody (statusCode: number, message: string, code: string, details?: InvalidRow[]): ErrorResponse {
  return { statusCode, error: STATUS_CODES[statusCode] ?? 'Error', message, code, ...(details !== undefined ? { details } : {}) }
}
