import { Type, type Static } from '@sinclair/typebox'

/** One row of a list that was refused, so the caller can fix every bad row at once. */
export const InvalidRow = Type.Object({
  index: Type.Integer(),
  value: Type.Unknown(),
  reason: Type.String()
})
export type InvalidRow = Static<typeof InvalidRow>

/** Fastify's error shape, with the refused rows when there are any. */
export const ErrorResponse = Type.Object({
  statusCode: Type.Integer(),
  error: Type.String(),
  message: Type.String(),
  code: Type.String(),
  details: Type.Optional(Type.Array(InvalidRow))
}, { title: 'Error' })
export type ErrorResponse = Static<typeof ErrorResponse>
