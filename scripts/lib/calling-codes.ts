// lib/calling-codes.ts as `npm run generate` writes it: every assigned country calling code, from
// the metadata of libphonenumber-js (a devDependency: nothing of it ships). That metadata is Google
// libphonenumber's, which follows ITU-T E.164's list of assigned country codes and is updated as
// the ITU assigns or withdraws one; an update of the package makes tests/generated.test.ts ask for
// a new table. The whole library would add 80–118 KiB to the send-code bundle; the table is 1 KiB.
import { createRequire } from 'node:module';

interface Metadata {
  version: number;
  country_calling_codes: Record<string, unknown>;
  nonGeographic?: Record<string, unknown>;
}

const load = createRequire(__filename);

/** The codes, geographic (1, 7, 20, …) and not (800 freephone, 881 satellite, 979 premium rate, …). */
export function callingCodes(): { codes: string[]; nonGeographic: string[]; version: string } {
  const metadata = load('libphonenumber-js/metadata.min.json') as Metadata;
  const { version } = load('libphonenumber-js/package.json') as { version: string };
  const nonGeographic = Object.keys(metadata.nonGeographic ?? {});
  const codes = [...new Set([...Object.keys(metadata.country_calling_codes), ...nonGeographic])].sort((a, b) => Number(a) - Number(b));
  // E.164's codes are prefix-free: a number starts with at most one of them (lib/phone.ts relies on it).
  for (const a of codes) for (const b of codes) if (a !== b && b.startsWith(a)) throw new Error(`calling codes ${a} and ${b} overlap`);
  return { codes, nonGeographic: nonGeographic.sort(), version };
}

export function callingCodesModule(): string {
  const { codes, nonGeographic, version } = callingCodes();
  return `// Written by \`npm run generate\` (scripts/lib/calling-codes.ts): edit nothing here.
// Every assigned country calling code (ITU-T E.164), as the metadata of libphonenumber-js ${version}
// (Google libphonenumber) lists them: ${codes.length} codes, ${nonGeographic.length} of them non-geographic
// (${nonGeographic.join(', ')}).

/** Space-separated; lib/phone.ts reads them into a set. */
export const CALLING_CODES =
  '${codes.join(' ')}';
`;
}
