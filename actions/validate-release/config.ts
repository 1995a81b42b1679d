/**
 * Reads and checks every input of validate-release, from the environment only (no @actions/core),
 * so that a mistake fails in milliseconds with one line naming the input.
 */
import { InputError, readBoolean, readDuration, readLines, readString, type Env } from '../lib/inputs.js';
import { parseStubPattern } from './stub-pattern.js';
import type { ReleaseOptions } from './validate.js';

/** What validateRelease needs, plus what only the Checks API client needs. */
export interface Config extends ReleaseOptions {
  githubToken: string;
  /** `owner/name`, for the Checks API. */
  repository: string;
}

/** The tag input, or the tag of `refs/tags/<tag>` in GITHUB_REF. */
export function resolveTag(env: Env): string {
  const tag = readString('tag', env);
  if (tag) return tag;
  const ref = env.GITHUB_REF ?? '';
  if (ref.startsWith('refs/tags/') && ref.length > 'refs/tags/'.length) return ref.slice('refs/tags/'.length);
  throw new InputError('tag', `is required when the workflow does not run on a tag push (GITHUB_REF is '${ref || 'not set'}')`);
}

export function readConfig(env: Env = process.env): Config {
  const tag = resolveTag(env);
  const stubPatterns = readLines('stub-patterns', env).map((pattern) => {
    try {
      return parseStubPattern(pattern);
    } catch (error) {
      throw new InputError('stub-patterns', `holds a regular expression that does not compile (${(error as Error).message})`);
    }
  });
  const requiredChecks = readLines('required-checks', env);
  const githubToken = readString('github-token', env);
  const repository = env.GITHUB_REPOSITORY ?? '';
  if (requiredChecks.length && !githubToken) {
    throw new InputError('github-token', "is required when 'required-checks' is given (pass ${{ github.token }} or a token that can read checks)");
  }
  if (requiredChecks.length && !/^[^/\s]+\/[^/\s]+$/.test(repository)) {
    throw new Error("GITHUB_REPOSITORY must be 'owner/name' to read the check runs named in 'required-checks'");
  }
  const changelog = readString('changelog', env);
  const requireChangelog = readBoolean('require-changelog', true, env);
  if (requireChangelog && !changelog) throw new InputError('changelog', "is required unless 'require-changelog' is false");
  return {
    tag,
    tagPrefix: readString('tag-prefix', env),
    versionFiles: readLines('version-files', env),
    changelog,
    requireChangelog,
    requireIncrease: readBoolean('require-increase', true, env),
    allowExisting: readBoolean('allow-existing', false, env),
    allowPrerelease: readBoolean('allow-prerelease', true, env),
    stubPatterns,
    stubPaths: readLines('stub-paths', env),
    requiredChecks,
    checksTimeoutMs: readDuration('checks-timeout', 600_000, env),
    githubToken,
    repository,
    workspace: env.GITHUB_WORKSPACE || process.cwd(),
    eventSha: env.GITHUB_REF === `refs/tags/${tag}` && env.GITHUB_SHA ? env.GITHUB_SHA : undefined,
  };
}
