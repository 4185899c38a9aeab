import { Link } from '../router.js'

const links = [
  { to: 'campaigns', label: 'Campaigns', current: (path: string) => path === '' || (path.startsWith('campaigns') && path !== 'campaigns/new') },
  { to: 'campaigns/new', label: 'New campaign', current: (path: string) => path === 'campaigns/new' },
  { to: 'opt-outs', label: 'Opt-outs', current: (path: string) => path === 'opt-outs' },
  { to: 'analytics', label: 'Analytics', current: (path: string) => path === 'analytics' }
]

export function Sidebar ({ path }: { path: string }) {
  return (
    <nav className='sidebar' aria-label='Main'>
      <p className='brand'>WhatsApp campaigns</p>
      <ul>
        {links.map(link => (
          <li key={link.to}>
            <Link to={link.to} aria-current={link.current(path) ? 'page' : undefined}>{link.label}</Link>
          </li>
        ))}
      </ul>
    </nav>
  )
}
