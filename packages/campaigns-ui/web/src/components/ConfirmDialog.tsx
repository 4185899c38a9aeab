import { useEffect, useId, useRef, type ReactNode } from 'react'

export interface ConfirmRequest {
  title: string
  body: ReactNode
  /** The confirming button's text: what will happen, e.g. "Rerun" or "Delete campaign". */
  confirmLabel: string
  danger?: boolean
}

/**
 * A modal question (the browser's <dialog>: focus moves into it and stays, Escape closes it, the page
 * behind is inert), with the answer as a promise-free callback.
 */
export function ConfirmDialog ({ request, onAnswer }: { request: ConfirmRequest, onAnswer: (confirmed: boolean) => void }) {
  const ref = useRef<HTMLDialogElement>(null)
  const titleId = useId()
  const bodyId = useId()
  useEffect(() => {
    const dialog = ref.current
    if (dialog !== null && !dialog.open) dialog.showModal()
  }, [])
  return (
    <dialog ref={ref} aria-labelledby={titleId} aria-describedby={bodyId} onCancel={event => { event.preventDefault(); onAnswer(false) }}>
      <h2 id={titleId}>{request.title}</h2>
      <div id={bodyId}>{request.body}</div>
      <div className='buttons'>
        <button type='button' onClick={() => onAnswer(false)} autoFocus>Keep it as it is</button>
        <button type='button' className={request.danger === true ? 'danger solid' : 'primary'} onClick={() => onAnswer(true)}>{request.confirmLabel}</button>
      </div>
    </dialog>
  )
}
