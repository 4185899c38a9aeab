export function ErrorAlert ({ error, onRetry }: { error: Error | string, onRetry?: () => void }) {
  return (
    <div className='alert error' role='alert'>
      {typeof error === 'string' ? error : error.message}
      {onRetry !== undefined && <> <button type='button' className='small' onClick={onRetry}>Try again</button></>}
    </div>
  )
}
