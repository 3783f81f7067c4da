// Runs AWS Control Tower's proactive rules (cfn-guard, as shipped by @cdklabs/cdk-validator-cfnguard:
// the binary and the rule files, nothing fetched at run time) over a CloudFormation template.
import { execFileSync } from 'node:child_process';
import { arch, platform } from 'node:os';
import { dirname, join } from 'node:path';

const PACKAGE = dirname(require.resolve('@cdklabs/cdk-validator-cfnguard/package.json'));
export const CONTROL_TOWER_RULES = join(PACKAGE, 'rules', 'control-tower', 'cfn-guard');

function guardBinary(): string {
  // The package's own layout: bin/<ubuntu|macos>/<x86_64|aarch64>/cfn-guard.
  const os = platform() === 'linux' ? 'ubuntu' : platform() === 'darwin' ? 'macos' : undefined;
  const cpu = arch() === 'x64' ? 'x86_64' : arch() === 'arm64' ? 'aarch64' : undefined;
  if (!os || !cpu) throw new Error(`cfn-guard ships no binary for ${platform()} ${arch()}`);
  return join(PACKAGE, 'bin', os, cpu, 'cfn-guard');
}

export interface GuardReport {
  /** Rule names the template meets. */
  passed: string[];
  /** Rules it does not meet, each with the resources (logical ids) that fail it. */
  failed: Record<string, string[]>;
  /** Rules about resources the template does not have. */
  skipped: string[];
}

/** The logical ids a rule's failure report traverses to. */
function failingResources(report: unknown): string[] {
  const ids = new Set<string>();
  const walk = (node: unknown) => {
    if (!node || typeof node !== 'object') return;
    const path = (node as { path?: unknown }).path;
    if (typeof path === 'string') {
      const id = /^\/Resources\/([^/]+)/.exec(path)?.[1];
      if (id) ids.add(id);
    }
    for (const value of Object.values(node)) walk(value);
  };
  walk(report);
  return [...ids].sort();
}

export function runGuard(template: string, rules = CONTROL_TOWER_RULES): GuardReport {
  const args = ['validate', '--rules', rules, '--data', template, '--output-format', 'json', '--show-summary', 'none', '--structured'];
  let stdout: string;
  try {
    stdout = execFileSync(guardBinary(), args, { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  } catch (error) {
    // cfn-guard exits 19 when a rule fails; its report is on stdout all the same.
    const { status, stdout: out } = error as { status?: number; stdout?: string };
    if (status !== 19 || !out) throw error;
    stdout = out;
  }
  const [result] = JSON.parse(stdout) as Array<{
    compliant: string[];
    not_applicable: string[];
    not_compliant: Array<{ Rule: { name: string } }>;
  }>;
  if (!result) throw new Error('cfn-guard reported on no template');
  return {
    passed: result.compliant,
    failed: Object.fromEntries(result.not_compliant.map((c) => [c.Rule.name, failingResources(c)])),
    skipped: result.not_applicable,
  };
}
