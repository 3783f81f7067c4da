// What jest hands a module for a file esbuild embeds as text at bundle time (the hosted pages'
// script and stylesheet, lib/pages/assets.ts): an empty text. Tests that need the real files get
// them from the bundles, over HTTP (tests/pages.test.ts).
'use strict';

module.exports = '';
