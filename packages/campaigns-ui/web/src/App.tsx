import { Sidebar } from './components/Sidebar.js'
import { TokenPrompt } from './components/TokenPrompt.js'
import { useAuth } from './auth.js'
import { Analytics } from './pages/Analytics.js'
import { CampaignDetail } from './pages/CampaignDetail.js'
import { CampaignForm } from './pages/CampaignForm.js'
import { CampaignList } from './pages/CampaignList.js'
import { NotFound } from './pages/NotFound.js'
import { OptOuts } from './pages/OptOuts.js'
import { useLocation } from './router.js'

/** Which page a path shows; ids are positive integers, anything else is not found. */
function Page ({ path }: { path: string }) {
  const parts = path === '' ? [] : path.split('/')
  if (parts.length === 0 || (parts.length === 1 && parts[0] === 'campaigns')) return <CampaignList />
  if (parts[0] === 'campaigns' && parts[1] === 'new' && parts.length === 2) return <CampaignForm />
  if (parts[0] === 'campaigns' && /^[1-9]\d{0,9}$/.test(parts[1] ?? '')) {
    const id = Number(parts[1])
    if (parts.length === 2) return <CampaignDetail key={id} campaignId={id} />
    if (parts.length === 3 && parts[2] === 'edit') return <CampaignForm key={id} campaignId={id} />
  }
  if (parts.length === 1 && parts[0] === 'opt-outs') return <OptOuts />
  if (parts.length === 1 && parts[0] === 'analytics') return <Analytics />
  return <NotFound />
}

export function App () {
  const { path } = useLocation()
  const auth = useAuth()
  return (
    <div className='layout'>
      <Sidebar path={path} />
      <main className='content' id='main'>
        {auth.kind === 'needed'
          ? <TokenPrompt refused={auth.refused} message={auth.message} />
          : <Page path={path} />}
      </main>
    </div>
  )
}
