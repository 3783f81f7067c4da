// `npm run readme:settings`: writes the README's settings tables from lib/settings.cjs.
import { readFileSync, writeFileSync } from 'node:fs';
import { withSettingsSection } from './settings-doc';

const README = 'README.md';
const before = readFileSync(README, 'utf8');
const after = withSettingsSection(before);
if (after === before) {
  console.log(`${README}: settings tables up to date`);
} else {
  writeFileSync(README, after);
  console.log(`${README}: settings tables written`);
}
