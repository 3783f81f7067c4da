// What `npm run generate` writes is committed (the route table, the API document), so an API change
// shows in review: here it must match what the endpoint modules make of it now.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { generatedFiles } from '../scripts/lib/generated-files';

describe('the generated files', () => {
  it.each(Object.entries(generatedFiles()))('%s is up to date (npm run generate)', (file, text) => {
    expect(readFileSync(join(__dirname, '..', file), 'utf8')).toBe(text);
  });

  it('document the default settings, not the shell they were generated from', () => {
    const before = generatedFiles()['docs/openapi.json'];
    process.env['CODE_MAX_ATTEMPTS'] = '9';
    try {
      expect(generatedFiles()['docs/openapi.json']).toBe(before);
    } finally {
      delete process.env['CODE_MAX_ATTEMPTS'];
    }
  });
});
