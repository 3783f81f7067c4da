// The HTML of every hosted page: a shell the pages' script fills in (pages/main.ts), with nothing
// inline, so that the Content-Security-Policy below can refuse every inline script and style.
// Its texts are English until the script has chosen the reader's language (navigator.languages).
import { PAGES_MOUNT } from '../../infra/pages.cjs';
import { ASSET_DIR, type PageName } from './site';

/** Scripts, styles, images and requests from this service only; no frames, no forms elsewhere. */
export const PAGES_CONTENT_SECURITY_POLICY = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self'",
  "connect-src 'self'",
  "img-src 'self'",
  "form-action 'self'",
  "frame-ancestors 'none'",
  "base-uri 'none'",
].join('; ');

// A path prefix as API Gateway may hand one over (a custom domain's base path): plain segments
// only, so that it goes into the markup as it is.
const PLAIN_PREFIX = /^(\/[\w.~-]+)*$/;

/**
 * What comes before the mount in the path the page was asked at: "" on the API's own domain, a
 * base path (`/auth`) where a custom domain maps the API under one. The pages find the API there.
 */
export function prefixOf(rawPath: string | undefined): string {
  const at = (rawPath ?? '').indexOf(PAGES_MOUNT);
  const prefix = at > 0 ? (rawPath ?? '').slice(0, at) : '';
  return PLAIN_PREFIX.test(prefix) ? prefix : '';
}

export function pageDocument(page: PageName | 'notFound', prefix: string): string {
  const assets = `${prefix}${PAGES_MOUNT}/${ASSET_DIR}`;
  return `<!doctype html>
<html lang="en" dir="ltr">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="color-scheme" content="light">
<title>KooDrive account</title>
<link rel="icon" href="${assets}/icon.svg" type="image/svg+xml">
<link rel="stylesheet" href="${assets}/pages.css">
<script src="${assets}/pages.js" defer></script>
</head>
<body data-page="${page}" data-prefix="${prefix}">
<main id="main" tabindex="-1">
<noscript><p>These pages need JavaScript. The KooDrive app works without them.</p></noscript>
</main>
</body>
</html>
`;
}
