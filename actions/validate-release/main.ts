/**
 * validate-release: reads and checks the inputs, then (lazily) loads @actions/core and the checks,
 * sets the outputs, writes the job summary, and fails with every reason to stop.
 */
import { runMain } from '../lib/action.js';
import { readConfig } from './config.js';

/** Stub matches also annotated on their file and line; GitHub shows only the first few anyway. */
const MAX_STUB_ANNOTATIONS = 20;

async function main(): Promise<void> {
  const config = readConfig();
  const core = await import('@actions/core');
  if (config.githubToken) core.setSecret(config.githubToken);

  const [{ validateRelease }, { createGit }, { summaryMarkdown, failureMessage }] = await Promise.all([
    import('./validate.js'),
    import('./history.js'),
    import('./report.js'),
  ]);
  let listCheckRuns;
  if (config.requiredChecks.length) {
    const [{ getOctokit }, { octokitCheckRuns }] = await Promise.all([import('@actions/github'), import('./required-checks.js')]);
    listCheckRuns = octokitCheckRuns(getOctokit(config.githubToken), config.repository);
  }

  const verdict = await validateRelease(config, { git: createGit(config.workspace), listCheckRuns, log: core.info });
  const { release } = verdict;
  core.setOutput('version', release.version);
  core.setOutput('major', String(release.major));
  core.setOutput('minor', String(release.minor));
  core.setOutput('patch', String(release.patch));
  core.setOutput('prerelease', release.prerelease);
  core.setOutput('is-prerelease', String(release.isPrerelease));
  core.setOutput('previous-version', verdict.previousVersion);
  core.setOutput('release-notes', verdict.releaseNotes);
  core.setOutput('existing', String(verdict.existing));

  for (const match of verdict.stubMatches.slice(0, MAX_STUB_ANNOTATIONS)) {
    // The title says what it is; the message says it once more only as the pattern and the line.
    core.error(`'${match.pattern}': ${match.text}`, { title: 'Stub marker', file: match.file, startLine: match.line, startColumn: match.column });
  }
  await core.summary.addRaw(summaryMarkdown(verdict)).write();
  if (verdict.reasons.length) throw new Error(failureMessage(verdict));
  core.info(
    verdict.existing
      ? `Release ${verdict.tag} is an existing release, checked out at its tag: ready to redeploy.`
      : `Release ${verdict.tag} is ready: version ${release.version}, previous ${verdict.previousVersion || 'none (first release)'}.`,
  );
}

export async function run(): Promise<void> {
  await runMain(main);
}
