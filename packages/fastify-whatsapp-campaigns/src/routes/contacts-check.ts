import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { CheckContactsBody, ContactCheck } from '../schemas/contacts-check.js'
import { ErrorResponse } from '../schemas/errors.js'
import type { RoutesOptions } from './options.js'
import { tenantOf } from './tenant.js'

/** A dry run of a contact list, for a form's preview: what a create would keep, refuse or skip. */
export const contactsCheckRoutes: FastifyPluginAsyncTypebox<RoutesOptions> = async (app, { service, bodyLimit }) => {
  app.post('/contacts/check', {
    bodyLimit,
    schema: {
      tags: ['campaigns'],
      summary: 'Check a contact list without storing anything: each row valid, invalid (and why), a duplicate, or opted out',
      description: 'The rules of POST /campaigns: phones normalised as it does, the same limit of contacts (the same 400 past it). ' +
        'A duplicate is a later row with the phone of an earlier one; opted out: the phone is on the opt-out list (a campaign keeps it, and its runs skip it).',
      body: CheckContactsBody,
      response: { 200: ContactCheck, 400: ErrorResponse }
    }
  }, async request => await service.checkContacts(tenantOf(request), request.body))
}
