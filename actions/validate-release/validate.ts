/**
 * Runs every release check and collects every reason to stop (never only the first), with what the
 * job summary and the outputs need. The outside world (git, the Checks API) is passed in.
 */
import { readFile, readdir } from 'node:fs/promises';
import { join, relative, sep } from 'node:path';
import { findSection } from './changelog.js';
import { commitOfTag, earlierReleases, HistoryError, judgeIncrease, listFiles, readHistory, type Git } from './history.js';
import { checkReason, isPending, judgeRequiredChecks, pollInterval, type ListCheckRuns, type RequiredCheck } from './required-checks.js';
import type { StubPattern } from './stub-pattern.js';
import { RegexSandbox } from '../lib/regex-sandbox.js';
import { findStubsSafely, isBinary, selectFiles, type StubMatch } from './stubs.js';
import { checkVersionFile, parseTag, type ReleaseVersion } from './version.js';

export interface ReleaseOptions {
  tag: string;
  tagPrefix: string;
  versionFiles: string[];
  changelog: string;
  requireChangelog: boolean;
  requireIncrease: boolean;
  /**
   * A tag that is already a release passes the increase check when it points at the commit checked
   * out (a redeploy of that release); a new tag must still be an increase. Default false.
   */
  allowExisting?: boolean;
  allowPrerelease: boolean;
  stubPatterns: StubPattern[];
  stubPaths: string[];
  requiredChecks: string[];
  /** How long required checks still queued, running or not started are awaited; 0 (default) reads once. */
  checksTimeoutMs?: number;
  workspace: string;
  /** The commit to ask the Checks API about when the tag is not in the local repository. */
  eventSha?: string;
}

export interface Dependencies {
  git: Git;
  /** Needed only when `requiredChecks` is not empty. */
  listCheckRuns?: ListCheckRuns;
  /** For the wait on required checks (defaults: real time). */
  sleep?: (ms: number) => Promise<void>;
  now?: () => number;
  /** Told of each wait on required checks. */
  log?: (line: string) => void;
}

export type CheckName = 'version-files' | 'changelog' | 'increase' | 'prerelease' | 'stubs' | 'required-checks';

export interface CheckOutcome {
  check: CheckName;
  /** `skipped` when the inputs turn the check off. */
  result: 'passed' | 'failed' | 'skipped';
  /** One line for the summary table. */
  detail: string;
  reasons: string[];
}

export interface Verdict {
  tag: string;
  /** The tag is an earlier release let through by allowExisting (a redeploy), not a new one. */
  existing: boolean;
  release: ReleaseVersion;
  previousVersion: string;
  releaseNotes: string;
  outcomes: CheckOutcome[];
  stubMatches: StubMatch[];
  requiredChecks: RequiredCheck[];
  /** Every reason to stop, in check order; empty when the release may go on. */
  reasons: string[];
}

/** Stub matches listed one by one in the error; the summary lists more. */
export const MAX_STUB_REASONS = 50;

export class TagError extends Error {}

const outcome = (check: CheckName, reasons: string[], passedDetail: string, failedDetail = `${reasons.length} problem(s)`): CheckOutcome => ({
  check,
  result: reasons.length ? 'failed' : 'passed',
  detail: reasons.length ? failedDetail : passedDetail,
  reasons,
});

async function readText(path: string): Promise<string | undefined> {
  try {
    return await readFile(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT' || (error as NodeJS.ErrnoException).code === 'EISDIR') return undefined;
    throw error;
  }
}

async function checkVersionFiles(options: ReleaseOptions, version: string): Promise<CheckOutcome> {
  if (!options.versionFiles.length) return { check: 'version-files', result: 'skipped', detail: 'no version files given', reasons: [] };
  const reasons: string[] = [];
  for (const path of options.versionFiles) {
    const reason = checkVersionFile(path, await readText(join(options.workspace, path)), version);
    if (reason) reasons.push(reason);
  }
  return outcome('version-files', reasons, `${options.versionFiles.join(', ')}: ${version}`);
}

async function checkChangelog(options: ReleaseOptions, version: string): Promise<{ outcome: CheckOutcome; notes: string }> {
  const text = options.changelog ? await readText(join(options.workspace, options.changelog)) : undefined;
  const section = text === undefined ? undefined : findSection(text, version, options.tagPrefix);
  const notes = section?.body ?? '';
  if (!options.requireChangelog) {
    const detail = section ? `not required; notes from line ${section.line}` : 'not required';
    return { outcome: { check: 'changelog', result: 'skipped', detail, reasons: [] }, notes };
  }
  const reasons =
    text === undefined
      ? [`${options.changelog} does not exist (set require-changelog: false to release without one)`]
      : section
        ? []
        : [`${options.changelog} has no section for ${version} (expected a heading such as '## [${version}] - YYYY-MM-DD' or '## ${version}')`];
  return { outcome: outcome('changelog', reasons, `${options.changelog} line ${section?.line}: ${section?.heading}`, 'no section'), notes };
}

/**
 * For allow-existing: the tag must already be a release tag of the repository and point at the
 * commit checked out — what is deployed is exactly that release.
 */
async function judgeExisting(git: Git, tag: string, tags: string[]): Promise<{ existing: boolean; detail: string }> {
  if (!tags.includes(tag)) return { existing: false, detail: `${tag} is not an existing tag of the repository` };
  const [tagged, head] = await Promise.all([commitOfTag(git, tag), git(['rev-parse', '--verify', '--quiet', 'HEAD^{commit}'])]);
  const checkedOut = head.code === 0 ? head.stdout.trim() : undefined;
  if (!tagged || tagged !== checkedOut) {
    return { existing: false, detail: `${tag} points at ${tagged?.slice(0, 12) ?? 'nothing'}, but ${checkedOut?.slice(0, 12) ?? 'no commit'} is checked out` };
  }
  return { existing: true, detail: `existing release ${tag} (${tagged.slice(0, 12)}), redeployed as it is (allow-existing)` };
}

async function checkIncrease(options: ReleaseOptions, version: string, git: Git): Promise<{ outcome: CheckOutcome; previous: string; existing?: boolean }> {
  if (!options.requireIncrease) {
    // Best effort for the output: the tags that happen to be here, no fetch, never a failure.
    const history = await readHistory(git, options.tagPrefix, options.tag, false).catch(() => undefined);
    const previous = history ? (earlierReleases(history.tags, options.tagPrefix, options.tag)[0] ?? '') : '';
    return { outcome: { check: 'increase', result: 'skipped', detail: 'not required', reasons: [] }, previous };
  }
  try {
    const history = await readHistory(git, options.tagPrefix, options.tag);
    const verdict = judgeIncrease(version, earlierReleases(history.tags, options.tagPrefix, options.tag), options.tagPrefix);
    const existing = verdict.reason && options.allowExisting ? await judgeExisting(git, options.tag, history.tags) : undefined;
    if (existing?.existing) {
      return { outcome: { check: 'increase', result: 'passed', detail: existing.detail, reasons: [] }, previous: verdict.previous, existing: true };
    }
    if (existing) verdict.reason = `${verdict.reason}, and allow-existing does not apply: ${existing.detail}`;
    const fetched = history.fetched ? ' (tags fetched from origin)' : history.fetchFailed ? ` (origin not reachable: ${history.fetchFailed}; judged on the clone's own tags)` : '';
    const passed = verdict.previous ? `${version} > ${verdict.previous}${fetched}` : `first release${fetched}`;
    return { outcome: outcome('increase', verdict.reason ? [verdict.reason] : [], passed, `${version} ≤ ${verdict.previous}`), previous: verdict.previous };
  } catch (error) {
    if (!(error instanceof HistoryError)) throw error;
    const reason = `cannot tell whether ${version} is greater than every earlier release: ${error.message}`;
    return { outcome: outcome('increase', [reason], '', 'history not available'), previous: '' };
  }
}

function checkPrerelease(options: ReleaseOptions, release: ReleaseVersion): CheckOutcome {
  if (options.allowPrerelease) return { check: 'prerelease', result: 'skipped', detail: release.isPrerelease ? `prerelease ${release.prerelease} allowed` : 'allowed', reasons: [] };
  const reasons = release.isPrerelease ? [`${release.version} is a prerelease (${release.prerelease}) and allow-prerelease is false`] : [];
  return outcome('prerelease', reasons, 'not a prerelease', `prerelease ${release.prerelease}`);
}

/** Every file under the workspace, relative with `/`, skipping `.git` and `node_modules`. */
async function walk(root: string): Promise<string[]> {
  const entries = await readdir(root, { recursive: true, withFileTypes: true });
  return entries
    .filter((entry) => entry.isFile())
    .map((entry) => relative(root, join(entry.parentPath, entry.name)).split(sep).join('/'))
    .filter((path) => !/(^|\/)(\.git|node_modules)\//.test(path));
}

async function checkStubs(options: ReleaseOptions, git: Git): Promise<{ outcome: CheckOutcome; matches: StubMatch[] }> {
  if (!options.stubPatterns.length || !options.stubPaths.length) {
    return { outcome: { check: 'stubs', result: 'skipped', detail: 'no stub patterns or paths given', reasons: [] }, matches: [] };
  }
  const files = selectFiles((await listFiles(git)) ?? (await walk(options.workspace)), options.stubPaths).sort();
  const matches: StubMatch[] = [];
  const sandbox = new RegexSandbox();
  try {
    for (const file of files) {
      const content = await readFile(join(options.workspace, file)).catch(() => undefined);
      if (!content || isBinary(content)) continue;
      matches.push(...(await findStubsSafely(file, content.toString('utf8'), options.stubPatterns, sandbox)));
    }
  } finally {
    sandbox.close();
  }
  const reasons = matches.slice(0, MAX_STUB_REASONS).map((m) => `stub marker '${m.pattern}' at ${m.file}:${m.line}: ${m.text}`);
  if (matches.length > MAX_STUB_REASONS) reasons.push(`… and ${matches.length - MAX_STUB_REASONS} more stub markers (listed in the job summary)`);
  const detail = `${files.length} file(s) searched`;
  return { outcome: outcome('stubs', reasons, `${detail}, no match`, `${matches.length} match(es) in ${new Set(matches.map((m) => m.file)).size} file(s)`), matches };
}

/**
 * Reads the required checks; while some are still queued, running or not started, and none has
 * failed, reads them again until `checksTimeoutMs` has passed (`wait` false: one read, as when
 * another check already stops the release).
 */
async function checkRequired(options: ReleaseOptions, deps: Dependencies, wait: boolean): Promise<{ outcome: CheckOutcome; checks: RequiredCheck[] }> {
  if (!options.requiredChecks.length) return { outcome: { check: 'required-checks', result: 'skipped', detail: 'none required', reasons: [] }, checks: [] };
  if (!deps.listCheckRuns) throw new Error('required-checks needs a Checks API client');
  const now = deps.now ?? Date.now;
  const sleep = deps.sleep ?? ((ms: number) => new Promise<void>((done) => setTimeout(done, ms)));
  const ref = (await commitOfTag(deps.git, options.tag)) ?? options.eventSha ?? options.tag;
  const timeoutMs = options.checksTimeoutMs ?? 0;
  const deadline = now() + (wait ? timeoutMs : 0);
  const interval = pollInterval(timeoutMs);
  let waitedMs = 0;
  let checks: RequiredCheck[];
  for (;;) {
    try {
      checks = judgeRequiredChecks(options.requiredChecks, await deps.listCheckRuns(ref));
    } catch (error) {
      const reason = `could not read the check runs of ${ref} from GitHub: ${(error as Error).message}`;
      return { outcome: outcome('required-checks', [reason], '', 'Checks API error'), checks: [] };
    }
    const pending = checks.filter((check) => !check.passed && isPending(check.state));
    const failed = checks.some((check) => !check.passed && !isPending(check.state));
    if (!pending.length || failed || now() + interval > deadline) break;
    deps.log?.(
      `Waiting for required checks: ${pending.map((check) => `'${check.name}' (${check.state})`).join(', ')}; ` +
        `next look in ${Math.round(interval / 1000)}s, ${Math.max(0, Math.round((deadline - now()) / 1000))}s left of checks-timeout`,
    );
    await sleep(interval);
    waitedMs += interval;
  }
  const reasons = checks.filter((check) => !check.passed).map((check) => checkReason(check, ref, waitedMs));
  return { outcome: outcome('required-checks', reasons, `${checks.length} succeeded`, `${reasons.length} of ${checks.length} not successful`), checks };
}

export async function validateRelease(options: ReleaseOptions, deps: Dependencies): Promise<Verdict> {
  const release = parseTag(options.tag, options.tagPrefix);
  if (!release) {
    throw new TagError(`Tag '${options.tag}' is not '${options.tagPrefix}' followed by a semantic version such as ${options.tagPrefix}1.2.3 or ${options.tagPrefix}1.2.3-rc.1 (see tag-prefix)`);
  }
  const [versionFiles, changelog, increase, stubs] = await Promise.all([
    checkVersionFiles(options, release.version),
    checkChangelog(options, release.version),
    checkIncrease(options, release.version, deps.git),
    checkStubs(options, deps.git),
  ]);
  const before = [versionFiles, changelog.outcome, increase.outcome, checkPrerelease(options, release), stubs.outcome];
  // Checks still running are awaited only when nothing else already stops the release.
  const required = await checkRequired(options, deps, before.every((o) => o.result !== 'failed'));
  const outcomes = [...before, required.outcome];
  return {
    tag: options.tag,
    existing: increase.existing === true,
    release,
    previousVersion: increase.previous,
    releaseNotes: changelog.notes,
    outcomes,
    stubMatches: stubs.matches,
    requiredChecks: required.checks,
    reasons: outcomes.flatMap((o) => o.reasons),
  };
}
