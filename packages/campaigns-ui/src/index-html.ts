import { readFile } from 'node:fs/promises'

const escapeAttribute = (value: string): string =>
  value.replaceAll('&', '&amp;').replaceAll('"', '&quot;').replaceAll('<', '&lt;').replaceAll('>', '&gt;')

/**
 * The built index.html with the page's base and the API prefix as tags in its head: the page reads them
 * at start, so no inline script is needed and a strict Content-Security-Policy stays possible.
 */
export async function renderIndexHtml (file: string, baseHref: string, apiPrefix: string): Promise<string> {
  let html: string
  try {
    html = await readFile(file, 'utf8')
  } catch (error) {
    throw new Error(`campaigns-ui: the page is not built (${file} is missing): run \`npm run build -w campaigns-ui\``, { cause: error })
  }
  const tags = `<base href="${escapeAttribute(baseHref)}">\n    <meta name="campaigns-api-prefix" content="${escapeAttribute(apiPrefix)}">`
  // After the charset (it must come first) and before any relative URL, which the base resolves.
  const anchor = /<meta charset="[^"]*">/i.exec(html)?.[0] ?? '<head>'
  if (!html.includes(anchor)) throw new Error(`campaigns-ui: ${file} has no <head>`)
  return html.replace(anchor, `${anchor}\n    ${tags}`)
}
