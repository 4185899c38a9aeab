export function CampaignDetail ({ campaignId }: { campaignId: number }) {
  return (
    <section>
      <h1>Campaign {campaignId}</h1>
    </section>
  )
}
