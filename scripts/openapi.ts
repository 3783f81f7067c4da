// `npm run openapi`: prints the OpenAPI document, or writes it to the file given
// (`npm run openapi -- openapi.json`). It is the document `npm start` run from the same shell
// serves: the local stage's configuration, with the limits this shell's environment overrides.
import { writeFileSync } from 'node:fs';
import { parseConfig } from '../lib/config';
import { buildOpenApiDocument } from '../lib/openapi/document';
import { stageEnvironment } from './lib/local-env';

async function main(): Promise<void> {
  const { limits } = parseConfig(await stageEnvironment());
  const text = `${JSON.stringify(buildOpenApiDocument(limits), null, 2)}\n`;
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
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
