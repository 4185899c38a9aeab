import { useState } from 'react'
import { sendJson } from '../api.js'
import { actionsFor, messagedOf, pendingOf, type CampaignAction } from '../lib/campaign-status.js'
import { formatNumber, formatTime } from '../lib/format.js'
import { navigate } from '../router.js'
import type { CampaignSummary } from '../types.js'
import { ConfirmDialog, type ConfirmRequest } from './ConfirmDialog.js'

export interface ActionOutcome {
  action: CampaignAction
  campaign: CampaignSummary
  /** What to tell the person: done, or the API's reason for refusing. */
  message: string
  ok: boolean
}

const people = (count: number): string => `${formatNumber(count)} ${count === 1 ? 'person' : 'people'}`

function labelOf (action: CampaignAction, campaign: CampaignSummary): string {
  switch (action) {
    case 'send': return 'Send now'
    case 'rerun': return 'Rerun'
    case 'retry': return `Retry failed (${formatNumber(campaign.failedCount)})`
    case 'pause': return 'Pause'
    case 'resume': return 'Resume'
    case 'cancel': return 'Cancel'
    case 'edit': return 'Edit'
    case 'delete': return 'Delete'
  }
}

/** How many contacts a run of every contact would message: the list's length, not the last run's recipients (a "retry failed" run has only those). */
interface ListSize {
  count: number
}

const listPeople = ({ count }: ListSize): string => people(count)

/** The question asked before an action that sends messages or loses something; none for the others. */
function confirmationOf (action: CampaignAction, campaign: CampaignSummary, list: ListSize): ConfirmRequest | undefined {
  const name = `“${campaign.name}”`
  switch (action) {
    case 'send':
      return {
        title: `Send ${name} now?`,
        body: <p>{listPeople(list)} on its list will get the template <strong>{campaign.templateName}</strong> ({campaign.language}). Phones on the opt-out list are skipped.</p>,
        confirmLabel: 'Send now'
      }
    case 'rerun':
      return {
        title: `Rerun ${name}?`,
        body: <p>All {listPeople(list)} on its list will get the template <strong>{campaign.templateName}</strong> again, including those who got it before. Phones on the opt-out list are skipped.</p>,
        confirmLabel: 'Rerun'
      }
    case 'retry':
      return {
        title: `Retry the failed messages of ${name}?`,
        body: <p>The {people(campaign.failedCount)} whose message failed in the last run will be sent <strong>{campaign.templateName}</strong> again. Nobody else gets a message.</p>,
        confirmLabel: `Send to ${formatNumber(campaign.failedCount)} again`
      }
    case 'cancel':
      return campaign.status === 'scheduled'
        ? {
            title: `Cancel ${name}?`,
            body: <p>It will not start at {formatTime(campaign.scheduledAt)}: the {people(campaign.totalCount)} on its list get nothing. The campaign and its list stay, to edit or send later.</p>,
            confirmLabel: 'Cancel the schedule',
            danger: true
          }
        : {
            title: `Cancel ${name}?`,
            body: <p>The {people(pendingOf(campaign))} not sent yet will not get the message (they are marked failed, CANCELLED). A cancelled run cannot be resumed; a rerun would send to everyone again.</p>,
            confirmLabel: 'Cancel the run',
            danger: true
          }
    case 'delete':
      return {
        title: `Delete ${name}?`,
        body: campaign.status === 'draft'
          ? <p>The campaign and its list of {listPeople(list).toLowerCase()} are deleted for good.</p>
          : <p>The campaign, its list of {listPeople(list).toLowerCase()} and the results of every run ({formatNumber(messagedOf(campaign))} messages in the last) are deleted for good. Messages already sent stay sent.</p>,
        confirmLabel: 'Delete for good',
        danger: true
      }
    default:
      return undefined
  }
}

const doneMessages: Record<CampaignAction, string> = {
  send: 'is sending',
  rerun: 'is sending again',
  retry: 'is sending to its failed recipients again',
  pause: 'is paused',
  resume: 'is sending again',
  cancel: 'is cancelled',
  edit: '',
  delete: 'is deleted'
}

async function perform (action: CampaignAction, id: number): Promise<CampaignSummary | null> {
  switch (action) {
    case 'send':
    case 'rerun':
      return await sendJson<CampaignSummary>(`/campaigns/${id}/run`, { method: 'POST' })
    case 'retry':
      return await sendJson<CampaignSummary>(`/campaigns/${id}/run`, { method: 'POST', body: { only: 'failed' } })
    case 'pause':
    case 'resume':
    case 'cancel':
      return await sendJson<CampaignSummary>(`/campaigns/${id}/${action}`, { method: 'POST' })
    case 'delete':
      return await sendJson<null>(`/campaigns/${id}`, { method: 'DELETE' })
    case 'edit':
      return null
  }
}

/** The buttons that a campaign's status allows, each asking first where it sends or loses something. */
export function CampaignActions ({ campaign, onOutcome }: { campaign: CampaignSummary, onOutcome: (outcome: ActionOutcome) => void }) {
  const [asking, setAsking] = useState<{ action: CampaignAction, request: ConfirmRequest }>()
  const [busy, setBusy] = useState(false)

  async function run (action: CampaignAction) {
    setBusy(true)
    try {
      const updated = await perform(action, campaign.id)
      onOutcome({ action, campaign: updated ?? campaign, ok: true, message: `“${campaign.name}” ${doneMessages[action]}.` })
    } catch (error) {
      const reason = error instanceof Error ? error.message : String(error)
      onOutcome({ action, campaign, ok: false, message: `Could not ${labelOf(action, campaign).toLowerCase()} “${campaign.name}”: ${reason}` })
    } finally {
      setBusy(false)
    }
  }

  async function start (action: CampaignAction) {
    if (action === 'edit') {
      navigate(`campaigns/${campaign.id}/edit`)
      return
    }
    const list: ListSize = { count: action === 'send' || action === 'rerun' || action === 'delete' ? campaign.contactCount : campaign.totalCount }
    const request = confirmationOf(action, campaign, list)
    if (request === undefined) void run(action)
    else setAsking({ action, request })
  }

  return (
    <div className='actions'>
      {actionsFor(campaign).map(action => (
        <button key={action} type='button' className={`small${action === 'delete' || action === 'cancel' ? ' danger' : ''}`} disabled={busy} onClick={() => { void start(action) }}>
          {labelOf(action, campaign)}
        </button>
      ))}
      {asking !== undefined && (
        <ConfirmDialog
          request={asking.request}
          onAnswer={confirmed => {
            const { action } = asking
            setAsking(undefined)
            if (confirmed) void run(action)
          }}
        />
      )}
    </div>
  )
}
