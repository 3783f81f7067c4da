// The files under /account/assets/: the pages' script (pages/, bundled for browsers by
// esbuild.config.cjs when this function is bundled), their stylesheet and icon. Only the function
// that serves the pages imports this module, so only its bundle carries them.
import script from 'browser-bundle:../../pages/main.ts';
import stylesheet from '../../pages/pages.css' with { type: 'text' };

export interface Asset {
  contentType: string;
  body: string;
}

const ICON = `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 32 32"><rect width="32" height="32" rx="7" fill="#0b57d0"/><path d="M10 8h4v7l6-7h5l-7 8 7 8h-5l-6-7v7h-4z" fill="#fff"/></svg>`;

export const ASSETS: Readonly<Record<string, Asset>> = {
  'pages.js': { contentType: 'text/javascript; charset=utf-8', body: script },
  'pages.css': { contentType: 'text/css; charset=utf-8', body: stylesheet },
  'icon.svg': { contentType: 'image/svg+xml', body: ICON },
};
