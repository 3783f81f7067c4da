// The files `npm run generate` writes, as they must read: derived from the endpoint modules
// (lib/api/) and, for the API document and the README's configuration tables, the settings
// (lib/settings.cjs); the country calling codes from libphonenumber-js's metadata.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { tableEnvironment } from '../../infra/tables.cjs';
import { ALL_ENDPOINTS } from '../../lib/api/index';
import { parseConfig } from '../../lib/config';
import { buildOpenApiDocument } from '../../lib/openapi/document';
import { callingCodesModule } from './calling-codes';
import { withSettingsSection } from './settings-doc';

const json = (value: unknown) => `${JSON.stringify(value, null, 2)}\n`;

/** The route table: by endpoint name, in the modules' order, what serverless.yml and the client need. */
export function routeTable(): Record<string, { method: string; path: string; handler: string }> {
  return Object.fromEntries(Object.entries(ALL_ENDPOINTS).map(([name, { method, path, handler }]) => [name, { method, path, handler }]));
}

/** The API document of a deployment that overrides no setting. */
export function defaultDocument() {
  // Only the settings that have no default; nothing from this shell's environment.
  const defaults = parseConfig({ ...tableEnvironment('koodrive-signup-local'), SIGNING_KEY_FILE: 'unused' });
  return buildOpenApiDocument(defaults.limits);
}

/** Each generated file's path in the repository, and its text (the README: with its settings tables written). */
export const generatedFiles = (): Record<string, string> => ({
  'infra/routes.json': json(routeTable()),
  'docs/openapi.json': json(defaultDocument()),
  'README.md': withSettingsSection(readFileSync(join(__dirname, '..', '..', 'README.md'), 'utf8')),
  'lib/calling-codes.ts': callingCodesModule(),
});
