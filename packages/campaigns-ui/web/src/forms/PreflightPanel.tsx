import type { Preflight, PricingCategory } from 'fastify-whatsapp-campaigns'
import { formatNumber } from '../lib/format.js'
import { categoryLabels, holdsBack } from './preflight.js'

export type PreflightState =
  | { kind: 'idle' }
  | { kind: 'checking' }
  | { kind: 'failed', message: string }
  | { kind: 'done', result: Preflight, stale: boolean }

function limitText (result: Preflight): string {
  const { number } = result
  if (!number.checked || number.tier === undefined) return `Not known: ${number.reason ?? 'the Graph API did not say'}`
  const limit = number.limit === null ? 'no limit of unique recipients' : number.limit === undefined ? 'a limit this plugin does not know' : `${formatNumber(number.limit)} unique recipients in 24 h`
  return `${number.tier}: ${limit}`
}

function reachText (result: Preflight): string {
  const { number } = result
  const reach = `${formatNumber(number.reachedLast24h)} reached in the last 24 h; this run adds ${formatNumber(number.newRecipients)}` +
    (number.alreadyReached > 0 ? ` (${formatNumber(number.alreadyReached)} of its recipients were reached already and do not count again)` : '')
  if (number.fits === true) return `${reach}: it fits`
  if (number.fits === false) return `${reach}: Meta would not deliver about ${formatNumber(number.refused ?? 0)}`
  return reach
}

function templateText (result: Preflight): string {
  const { template } = result
  if (!template.checked) return `Not checked (${template.reason})`
  return template.ok ? 'Approved, and the parameters fit' : template.message ?? 'Refused'
}

function costText (result: Preflight): string {
  const { cost } = result
  if (cost.total === null) return cost.note ?? 'Not known'
  const total = `${cost.currency ?? ''} ${cost.total.toLocaleString('en', { maximumFractionDigits: 4 })}`.trim()
  return cost.unpriced > 0 ? `${total}, without ${formatNumber(cost.unpriced)} recipients the price table has no rate for` : total
}

/** What a send would do, asked of the server before Send now: limits, template, time and cost. */
export function PreflightPanel ({ state, category, onCategory, onCheck, disabled }: {
  state: PreflightState
  category: PricingCategory | ''
  onCategory: (category: PricingCategory | '') => void
  onCheck: () => void
  disabled: boolean
}) {
  const result = state.kind === 'done' ? state.result : null
  return (
    <section className='preflight' aria-labelledby='preflight-title'>
      <h2 id='preflight-title'>Before sending</h2>
      <p className='hint'>What a send would do, asked of the server: nothing is sent or saved.</p>
      <div className='inline-fields'>
        <div className='field'>
          <label htmlFor='preflight-category'>Template category (for the cost)</label>
          <select id='preflight-category' value={category} onChange={event => onCategory(event.target.value as PricingCategory | '')}>
            {Object.entries(categoryLabels).map(([value, label]) => <option key={value} value={value}>{label}</option>)}
          </select>
        </div>
        <button type='button' disabled={disabled || state.kind === 'checking'} onClick={onCheck}>Check before sending</button>
      </div>
      <div aria-live='polite'>
        {state.kind === 'checking' && <p role='status'>Checking…</p>}
        {state.kind === 'failed' && <p className='alert error' role='alert'>{state.message}</p>}
        {result !== null && (
          <>
            <p className={holdsBack(result) ? 'alert error preflight-verdict' : 'alert info preflight-verdict'} role='status'>
              {holdsBack(result)
                ? 'This send does not fit: read the warnings below before sending.'
                : `Ready: ${formatNumber(result.toSend)} messages to send.`}
            </p>
            <dl className='preflight-facts'>
              <dt>Recipients</dt>
              <dd>
                {formatNumber(result.toSend)} to send of {formatNumber(result.recipients)} ({formatNumber(result.contacts.counts.invalid)} invalid,{' '}
                {formatNumber(result.contacts.counts.duplicate)} duplicate, {formatNumber(result.contacts.counts.optedOut)} opted out)
              </dd>
              <dt>Messaging limit</dt>
              <dd>{limitText(result)}</dd>
              <dt>Unique recipients</dt>
              <dd>{reachText(result)}</dd>
              <dt>Quality rating</dt>
              <dd>{result.number.qualityRating ?? 'Not known'}</dd>
              <dt>Template</dt>
              <dd>{templateText(result)}</dd>
              <dt>Time at {formatNumber(result.duration.messagesPerSecond)} messages a second</dt>
              <dd>{result.duration.text}</dd>
              <dt>Cost</dt>
              <dd>{costText(result)}</dd>
            </dl>
            {result.warnings.length > 0 && (
              <ul className='preflight-warnings' aria-label='Warnings'>
                {result.warnings.map(warning => <li key={warning}>{warning}</li>)}
              </ul>
            )}
            {state.kind === 'done' && state.stale && <p className='hint'>The form changed since this check: check again.</p>}
          </>
        )}
      </div>
    </section>
  )
}
