// `npm run openapi`: prints the OpenAPI document, or writes it to the file given
// (`npm run openapi -- openapi.json`).
import { writeFileSync } from 'node:fs';
import { buildOpenApiDocument } from '../lib/openapi/document';

const text = `${JSON.stringify(buildOpenApiDocument(), null, 2)}\n`;
const file = process.argv[2];
if (file) {
  writeFileSync(file, text);
} else {
  // Piped into `head` and the like: a reader that stops early is no error.
  process.stdout.on('error', (error: NodeJS.ErrnoException) => {
    if (error.code !== 'EPIPE') throw error;
  });
  process.stdout.write(text);
}
