export interface PagerProps {
  label: string
  summary: string
  hasPrevious: boolean
  hasNext: boolean
  onPrevious: () => void
  onNext: () => void
}

export function Pager ({ label, summary, hasPrevious, hasNext, onPrevious, onNext }: PagerProps) {
  if (!hasPrevious && !hasNext) return <p className='pager muted'>{summary}</p>
  return (
    <nav className='pager' aria-label={label}>
      <button type='button' onClick={onPrevious} disabled={!hasPrevious}>Previous page</button>
      <span>{summary}</span>
      <button type='button' onClick={onNext} disabled={!hasNext}>Next page</button>
    </nav>
  )
}
