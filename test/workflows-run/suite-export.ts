/**
 * The suite as a Sunday repository would fetch it at `sunday/actions@v1`: a slim export of the
 * commit under test — the tracked files as they are in the work tree (dist/ is tracked) — made once
 * per run. act tars the mapped folder for every `uses:`, and node_modules is half a gigabyte.
 */
import { execFileSync } from 'node:child_process';
import { copyFileSync, mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { repoRoot } from '../harness.js';

export const SUITE_REPOSITORY = 'sunday/actions';

/** Tracked files still present in the work tree (a file deleted but not yet committed is left out). */
export function trackedFiles(root = repoRoot): string[] {
  const listed = execFileSync('git', ['ls-files', '-z', '--cached'], { cwd: root, encoding: 'utf8' }).split('\0').filter(Boolean);
  const deleted = new Set(execFileSync('git', ['ls-files', '-z', '--deleted'], { cwd: root, encoding: 'utf8' }).split('\0').filter(Boolean));
  return listed.filter((file) => !deleted.has(file));
}

/** Copies the suite into `target`; `replace` swaps a file's text (a broken copy of a workflow). */
export function exportSuite(target: string, replace: Record<string, string> = {}): string {
  for (const file of trackedFiles()) {
    mkdirSync(dirname(join(target, file)), { recursive: true });
    copyFileSync(join(repoRoot, file), join(target, file));
  }
  for (const [file, text] of Object.entries(replace)) writeFileSync(join(target, file), text);
  return target;
}

/** The --local-repository entries for the suite at the refs the fixture's workflows use. */
export function suiteMappings(folder: string, refs = ['v1']): Record<string, string> {
  return Object.fromEntries(refs.map((ref) => [`${SUITE_REPOSITORY}@${ref}`, folder]));
}
