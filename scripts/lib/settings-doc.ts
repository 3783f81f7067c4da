// The README's tables of the functions' settings, written from the rows of lib/settings.cjs
// between two marker comments by `npm run generate`. tests/generated.test.ts and tests/unit/settings.test.ts fail when
// the README's copy is stale.
import { allowed, settings } from '../../lib/settings.cjs';

type Name = keyof typeof settings;
type SetBy = (typeof settings)[Name]['setBy'];

export const START = '<!-- settings:start: written by `npm run generate` from lib/settings.cjs; edit the rows there -->';
export const END = '<!-- settings:end -->';

// Who sets the settings the shell cannot change (lib/settings.cjs, SetBy).
const SET_BY: Record<Exclude<SetBy, 'deployer' | 'local'>, string> = {
  stage: '`serverless.yml`, from the stage',
  runtime: 'the Lambda runtime',
  fixed: 'nobody: the default holds',
};

const names = Object.keys(settings) as Name[];

/** What the functions get when the shell sets nothing; for a local row, what the local stage hands them. */
function defaultOf(name: Name): string {
  const row = settings[name];
  if ('requiredToDeploy' in row) return `none: required to deploy (locally \`${row.localDefault}\`)`;
  const value = 'localDefault' in row ? row.localDefault : 'default' in row ? row.default : undefined;
  if (value === undefined) return '—';
  return typeof value === 'number' ? String(value) : `\`${value}\``;
}

function table(header: string[], rows: string[][]): string {
  const line = (cells: string[]) => `| ${cells.join(' | ')} |`;
  return [line(header), `|${header.map(() => '---').join('|')}|`, ...rows.map(line)].join('\n');
}

function settingsTable(setBy: (by: SetBy) => boolean, withSetBy = false): string {
  const header = ['Variable', 'Default', 'Allowed', ...(withSetBy ? ['Set by'] : []), 'Meaning'];
  const rows = names
    .filter((name) => setBy(settings[name].setBy))
    .map((name) => {
      const row = settings[name];
      const by = row.setBy === 'deployer' || row.setBy === 'local' ? [] : [SET_BY[row.setBy]];
      return [`\`${name}\``, defaultOf(name), allowed(row.kind), ...(withSetBy ? by : []), row.description];
    });
  return table(header, rows);
}

/** The Markdown between the markers. */
export function settingsSection(): string {
  return [
    'A deployer may set these in every stage:',
    settingsTable((by) => by === 'deployer'),
    'These apply locally only (stage `local`):',
    settingsTable((by) => by === 'local'),
    'The shell does not set these:',
    settingsTable((by) => by !== 'deployer' && by !== 'local', true),
  ].join('\n\n');
}

/** `readme` with the part between the markers written from the rows. */
export function withSettingsSection(readme: string): string {
  const start = readme.indexOf(START);
  const end = readme.indexOf(END);
  if (start < 0 || end < start) throw new Error(`README.md has no "${START}" … "${END}" part`);
  return `${readme.slice(0, start + START.length)}\n\n${settingsSection()}\n\n${readme.slice(end)}`;
}
