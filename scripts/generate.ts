// `npm run generate`: writes what is derived from the endpoint modules (lib/api/) and committed, so
// that an API change shows in review:
//   infra/routes.json   the route table serverless.yml declares the functions from, and the client calls
//   docs/openapi.json   the API document, for the default settings
//   README.md           its configuration tables, from lib/settings.cjs
// tests/generated.test.ts fails when either is stale. `--check` only compares, and exits 1 if stale.
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { generatedFiles } from './lib/generated-files';

const root = join(__dirname, '..');
const check = process.argv.includes('--check');
let stale = 0;
for (const [file, text] of Object.entries(generatedFiles())) {
  const path = join(root, file);
  const current = existsSync(path) ? readFileSync(path, 'utf8') : undefined;
  if (current === text) continue;
  stale++;
  if (check) console.error(`${file} is stale: run npm run generate`);
  else writeFileSync(path, text);
  if (!check) console.log(`wrote ${file}`);
}
if (check && stale > 0) process.exit(1);
