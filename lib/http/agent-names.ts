// AGENT_NAMES (docs/API.md §7, "Who may call"): the `x-hw-agentName` values a deployment accepts.
import { parameterError } from '../errors';

const parsed = new Map<string, ReadonlySet<string> | 'any'>();

/** The names a setting lists, or `any` for `*`; read once per value. */
function accepted(setting: string): ReadonlySet<string> | 'any' {
  let names = parsed.get(setting);
  if (!names) {
    const list = setting.split(',').map((name) => name.trim());
    names = list.includes('*') ? 'any' : new Set(list.filter(Boolean));
    parsed.set(setting, names);
  }
  return names;
}

/** Refuses an agent the setting does not list: 400/13000102 naming the header. */
export function checkAgentName(setting: string, agentName: string): void {
  const names = accepted(setting);
  if (names !== 'any' && !names.has(agentName.trim())) throw parameterError('x-hw-agentName', 'is not an agent this service accepts');
}
