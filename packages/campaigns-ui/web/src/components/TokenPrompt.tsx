import { useId, useState, type FormEvent } from 'react'
import { saveToken } from '../auth.js'

/** Asks for the server's API token once per tab; a refused one says so and asks again. */
export function TokenPrompt ({ refused, message }: { refused: boolean, message?: string }) {
  const [token, setToken] = useState('')
  const inputId = useId()
  const hintId = useId()
  function submit (event: FormEvent) {
    event.preventDefault()
    const value = token.trim()
    if (value !== '') saveToken(value)
  }
  return (
    <section className='panel token-prompt' aria-labelledby={`${inputId}-title`}>
      <h1 id={`${inputId}-title`}>API token needed</h1>
      {refused
        ? <p className='alert error' role='alert'>That token was refused{message !== undefined ? `: ${message}` : ''}. Check the server's API_TOKEN and try again.</p>
        : <p id={hintId}>This server asks for its API token (API_TOKEN). It is kept for this browser tab only.</p>}
      <form onSubmit={submit}>
        <label htmlFor={inputId}>API token</label>
        <input id={inputId} type='password' autoComplete='off' required value={token} onChange={event => setToken(event.target.value)} aria-describedby={refused ? undefined : hintId} />
        <button type='submit' className='primary'>Continue</button>
      </form>
    </section>
  )
}
