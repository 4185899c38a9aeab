/** A placeholder: the page is built on its own branch. */
export function CampaignList () {
  return (
    <section>
      <h1>Campaigns</h1>
      <p>This page is coming.</p>
    </section>
  )
}
