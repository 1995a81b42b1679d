/**
 * The decisions of scripts/system-deps.ts, pure: what each program's probe means, and what to do
 * about the programs that are missing or too old. Effects (probing, installing) are in effects.ts.
 */
import type { Program, Source, VersionRule } from './programs.ts';

/** What probing found for one program: not found, or found at `path` with the version it reported. */
export type Probe = { found: false } | { found: true; path: string; version?: string };

export type Verdict = { ok: true } | { ok: false; problem: string };

/** Compares dotted versions numerically ('1.32.4' vs '1.33'); missing parts count as 0. */
export function compareVersions(a: string, b: string): number {
  const pa = a.split('.').map(Number);
  const pb = b.split('.').map(Number);
  for (let i = 0; i < Math.max(pa.length, pb.length); i++) {
    const d = (pa[i] ?? 0) - (pb[i] ?? 0);
    if (d !== 0) return Math.sign(d);
  }
  return 0;
}

export function describeRange(rule: VersionRule): string {
  if (rule.atLeast && rule.below) return `>= ${rule.atLeast} and < ${rule.below}`;
  if (rule.atLeast) return `>= ${rule.atLeast}`;
  return rule.below ? `< ${rule.below}` : 'any';
}

export function judge(program: Program, probe: Probe): Verdict {
  if (!probe.found) return { ok: false, problem: `${program.command} is missing` };
  const rule = program.version;
  if (!rule) return { ok: true };
  if (!probe.version) return { ok: false, problem: `${probe.path} reports no version (needed: ${describeRange(rule)})` };
  const tooOld = rule.atLeast !== undefined && compareVersions(probe.version, rule.atLeast) < 0;
  const tooNew = rule.below !== undefined && compareVersions(probe.version, rule.below) >= 0;
  if (tooOld || tooNew) return { ok: false, problem: `${probe.path} is ${probe.version} (needed: ${describeRange(rule)})` };
  return { ok: true };
}

/** What this machine allows: installing Debian packages (root or passwordless sudo, and apt-get). */
export interface Abilities {
  apt: boolean;
  /** Debian packages installed here, among those some source names as a conflict. */
  installedPackages: Set<string>;
}

export interface Step {
  program: Program;
  source: Source;
}

export interface Plan {
  steps: Step[];
  /** Programs that are missing or unusable and that nothing here can install: why, and how to get them. */
  unmet: { program: Program; problem: string }[];
}

/** Why `source` cannot be used here, or undefined when it can. */
export function sourceBlocked(source: Source, abilities: Abilities): string | undefined {
  if (!('apt' in source)) return undefined;
  if (!abilities.apt) return 'not root, no passwordless sudo or no apt-get';
  const conflict = source.conflicts?.find((name) => abilities.installedPackages.has(name));
  return conflict ? `${source.apt} is not installed next to ${conflict}` : undefined;
}

/** For each program that is not ok, the first source that can be used here; the rest are unmet. */
export function plan(programs: Program[], probes: Map<string, Probe>, abilities: Abilities): Plan {
  const steps: Step[] = [];
  const unmet: Plan['unmet'] = [];
  for (const program of programs) {
    const verdict = judge(program, probes.get(program.command) ?? { found: false });
    if (verdict.ok) continue;
    const source = program.sources.find((s) => sourceBlocked(s, abilities) === undefined);
    if (source) {
      steps.push({ program, source });
      continue;
    }
    const reasons = program.sources.map((s) => sourceBlocked(s, abilities)).filter((r) => r !== undefined);
    const why = reasons.length > 0 ? `cannot install here: ${[...new Set(reasons)].join('; ')}` : 'nothing here installs it';
    unmet.push({ program, problem: `${verdict.problem}, ${why}` });
  }
  return { steps, unmet };
}

/** The one line printed when the tests cannot run here. */
export function unmetLine(unmet: Plan['unmet']): string {
  const items = unmet.map(({ program, problem }) => `${problem} (${program.usedBy}; to get it: ${program.hint})`);
  return `system-deps: the tests cannot run on this machine: ${items.join('; ')}. Get ${unmet.length > 1 ? 'them' : 'it'}, then run npm test again.`;
}
