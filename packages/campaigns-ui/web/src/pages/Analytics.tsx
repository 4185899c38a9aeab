/** Filled in below once merged with the page's scaffold. */
export function Analytics () {
  return <section><h1>Analytics</h1></section>
}
