<<<<<<< HEAD
/** Filled in below once merged with the page's scaffold. */
export function Analytics () {
  return <section><h1>Analytics</h1></section>
=======
/** A placeholder: the page is built on its own branch. */
export function Analytics () {
  return (
    <section>
      <h1>Analytics</h1>
      <p>This page is coming.</p>
    </section>
  )
>>>>>>> ui-shell
}
