/** A placeholder: the form is built on its own branch. `campaignId` set means editing that campaign. */
export function CampaignForm ({ campaignId }: { campaignId?: number }) {
  return (
    <section>
      <h1>{campaignId === undefined ? 'New campaign' : 'Edit campaign'}</h1>
      <p>This page is coming.</p>
    </section>
  )
}
