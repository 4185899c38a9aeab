/** A placeholder: the page is built on its own branch. */
export function OptOuts () {
  return (
    <section>
      <h1>Opt-outs</h1>
      <p>This page is coming.</p>
    </section>
  )
}
