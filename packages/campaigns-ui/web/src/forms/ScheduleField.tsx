import { useId } from 'react'
import { browserZoneLabel, scheduleToIso } from './schedule.js'

/** A start time in the browser's own zone, said beside the field; the form sends it as ISO with its offset. */
export function ScheduleField ({ value, onChange }: { value: string, onChange: (local: string) => void }) {
  const id = useId()
  const iso = scheduleToIso(value)
  return (
    <div className='field schedule'>
      <label htmlFor={id}>Schedule for (optional)</label>
      <input id={id} type='datetime-local' value={value} onChange={event => onChange(event.target.value)} aria-describedby={`${id}-zone`} />
      <p id={`${id}-zone`} className='hint'>
        Your time zone: {browserZoneLabel(iso == null ? new Date() : new Date(iso))}.
        {typeof iso === 'string' && <> Starts at {new Date(iso).toLocaleString(undefined, { dateStyle: 'full', timeStyle: 'short' })}.</>}
      </p>
      {value !== '' && <button type='button' onClick={() => onChange('')}>Clear schedule</button>}
    </div>
  )
}
