import { Link } from '../router.js'

export function NotFound () {
  return (
    <section>
      <h1>Page not found</h1>
      <p>There is no page here. <Link to='campaigns'>Back to the campaigns</Link>.</p>
    </section>
  )
}
