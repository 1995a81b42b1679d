/** The release's semantic version: from the tag, from version files, and the order of releases. */
import { SemVer, compare } from 'semver';

export interface ReleaseVersion {
  /** The tag without its prefix, e.g. `1.2.3-rc.1` (build metadata kept). */
  version: string;
  major: number;
  minor: number;
  patch: number;
  /** e.g. `rc.1`; '' for a release. */
  prerelease: string;
  isPrerelease: boolean;
}

/** The version a tag names, or undefined when the tag is not `<prefix><semver>` (strict semver 2.0). */
export function parseTag(tag: string, prefix: string): ReleaseVersion | undefined {
  if (!tag.startsWith(prefix)) return undefined;
  const version = tag.slice(prefix.length);
  // semver accepts a leading `v` or `=` even in strict mode; a tag `vv1.2.3` is not a release tag.
  if (!/^\d/.test(version)) return undefined;
  let parsed: SemVer;
  try {
    parsed = new SemVer(version);
  } catch {
    return undefined;
  }
  const prerelease = parsed.prerelease.join('.');
  return { version, major: parsed.major, minor: parsed.minor, patch: parsed.patch, prerelease, isPrerelease: prerelease !== '' };
}

/** semver order (build metadata ignored, as semver says). */
export function compareVersions(a: string, b: string): number {
  return compare(a, b);
}

export type VersionFileRead = { version: string } | { problem: string };

/**
 * The version a file holds: `version` of a JSON manifest (package.json and the like), or the
 * whole content of a plain file such as VERSION (surrounding whitespace ignored).
 */
export function versionInFile(path: string, text: string): VersionFileRead {
  if (!/\.json$/i.test(path)) {
    const version = text.trim();
    return version ? { version } : { problem: `${path} is empty` };
  }
  let manifest: unknown;
  try {
    manifest = JSON.parse(text);
  } catch (error) {
    return { problem: `${path} is not valid JSON (${(error as Error).message})` };
  }
  const version = (manifest as { version?: unknown } | null)?.version;
  if (typeof version !== 'string' || !version) return { problem: `${path} has no "version" field` };
  return { version };
}

/** A reason to stop, or undefined when the file holds `expected`. `text` undefined: no such file. */
export function checkVersionFile(path: string, text: string | undefined, expected: string): string | undefined {
  if (text === undefined) return `${path} does not exist (listed in version-files)`;
  const read = versionInFile(path, text);
  if ('problem' in read) return read.problem;
  if (read.version !== expected) return `${path} has version ${read.version}, but the tag says ${expected}`;
  return undefined;
}
