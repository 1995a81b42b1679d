/**
 * The release commit of self-release.yml. The reusable workflows call the suite's own actions as
 * `sunday/actions/<name>@v1`, a tag that moves: a repository pinning `ci.yml@<sha>` would still run
 * whatever v1 is on the day (`uses:` cannot be an expression, so the workflow cannot pin itself).
 * For a release vX.Y.Z this rewrites every such nested reference in `.github/workflows/*.yml` to
 * `@vX.Y.Z` and commits the result on top of the checked-out (tagged) commit; self-release then
 * moves the release tag to that commit. Pinning a workflow by the release commit's SHA then pins
 * every action it runs.
 *
 *   node scripts/pin-release.ts v1.4.2      (in the repository; prints the commit, and writes
 *                                             `commit=<sha>` to $GITHUB_OUTPUT when set)
 *
 * A reference to another major than the release's (`@v2` in a v1 release) is an error: the
 * release would run actions of another line. Runs under Node 24 alone (no dependency).
 */
import { execFileSync } from 'node:child_process';
import { appendFileSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

const SUITE = 'sunday/actions';
const RELEASE_TAG = /^v(\d+)\.\d+\.\d+(?:-[0-9A-Za-z.-]+)?$/;
/** `uses: sunday/actions/<path>@<ref>` (a step's action or a job's reusable workflow). */
const SUITE_USES = /(\buses:\s*['"]?sunday\/actions\/[^@\s'"]+)@([^\s'"#]+)/g;
/** Who the release commit is by, unless git already knows (GitHub's own Actions identity). */
const RELEASE_IDENTITY = { name: 'github-actions[bot]', email: '41898282+github-actions[bot]@users.noreply.github.com' };

export class PinError extends Error {}

export interface PinnedText {
  text: string;
  /** How many references were rewritten. */
  count: number;
}

/** Rewrites `sunday/actions/...@v<major>` to `@<tag>`; any other ref of the suite is an error. */
export function pinText(text: string, tag: string, file = 'workflow'): PinnedText {
  const release = RELEASE_TAG.exec(tag);
  if (!release) throw new PinError(`the release tag must look like v1.2.3 (or v1.2.3-rc.1), not '${tag}'`);
  const major = `v${release[1]}`;
  let count = 0;
  const pinned = text.replace(SUITE_USES, (whole, uses: string, ref: string) => {
    if (ref === tag) return whole;
    if (ref !== major) throw new PinError(`${file}: ${uses.replace(/^uses:\s*['"]?/, '')}@${ref} is not the release's major ${major}; a ${tag} release must call its own actions`);
    count++;
    return `${uses}@${tag}`;
  });
  return { text: pinned, count };
}

const git = (cwd: string, args: string[], env: NodeJS.ProcessEnv = process.env) =>
  execFileSync('git', args, { cwd, env, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] }).trim();

function gitConfig(cwd: string, key: string): string | undefined {
  try {
    return git(cwd, ['config', '--get', key]) || undefined;
  } catch {
    return undefined;
  }
}

export interface ReleaseCommit {
  commit: string;
  parent: string;
  /** Workflow files changed, relative to the repository. */
  files: string[];
  references: number;
}

/** Pins the workflows of the repository at `root` and commits them; the work tree must be clean. */
export function pinRelease(root: string, tag: string): ReleaseCommit {
  if (git(root, ['status', '--porcelain'])) throw new PinError('the work tree has uncommitted changes: the release commit must hold the pins only');
  const folder = join(root, '.github', 'workflows');
  const files: string[] = [];
  let references = 0;
  for (const name of readdirSync(folder).filter((n) => /\.ya?ml$/.test(n)).sort()) {
    const path = join(folder, name);
    const { text, count } = pinText(readFileSync(path, 'utf8'), tag, `.github/workflows/${name}`);
    if (count === 0) continue;
    writeFileSync(path, text);
    files.push(`.github/workflows/${name}`);
    references += count;
  }
  const parent = git(root, ['rev-parse', 'HEAD']);
  if (files.length === 0) throw new PinError(`no ${SUITE}/...@v<major> reference in .github/workflows: nothing to pin`);
  git(root, ['add', '--', ...files]);
  const name = gitConfig(root, 'user.name') ?? RELEASE_IDENTITY.name;
  const email = gitConfig(root, 'user.email') ?? RELEASE_IDENTITY.email;
  const env = { ...process.env, GIT_AUTHOR_NAME: name, GIT_AUTHOR_EMAIL: email, GIT_COMMITTER_NAME: name, GIT_COMMITTER_EMAIL: email };
  const message = `Release ${tag}: the workflows call the suite's actions at ${tag}\n\nPinning a reusable workflow by this commit's SHA pins every action it runs.`;
  git(root, ['commit', '--quiet', '--no-verify', '-m', message], env);
  return { commit: git(root, ['rev-parse', 'HEAD']), parent, files, references };
}

function main(argv: string[]): number {
  const [tag] = argv;
  try {
    if (!tag) throw new PinError('usage: node scripts/pin-release.ts vX.Y.Z (run in the repository)');
    const result = pinRelease(process.cwd(), tag);
    console.log(`${result.commit}: ${result.references} reference(s) in ${result.files.join(', ')} pinned to ${tag} (on ${result.parent})`);
    if (process.env.GITHUB_OUTPUT) appendFileSync(process.env.GITHUB_OUTPUT, `commit=${result.commit}\n`);
    return 0;
  } catch (error) {
    const message = error instanceof PinError ? error.message : `git failed: ${(error as { stderr?: string }).stderr?.trim() || (error as Error).message}`;
    console.log(`::error::${message}`);
    return 1;
  }
}

if (import.meta.filename === process.argv[1]) process.exitCode = main(process.argv.slice(2));
