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
  const [core, { maskSecret, setOutput }, { writeRawSummary }] = await Promise.all([import('@actions/core'), import('../lib/secrets.js'), import('../lib/summary.js')]);
  maskSecret(config.githubToken);

  const [{ validateRelease }, { createGit }, { summaryMarkdown, failureMessage }] = await Promise.all([
    import('./validate.js'),
    import('./history.js'),
    import('./report.js'),
  ]);
  let listCheckRuns;
  if (config.requiredChecks.length) {
    const [{ getOctokit }, { octokitCheckRuns }, { timedFetch }] = await Promise.all([import('@actions/github'), import('./required-checks.js'), import('../lib/github-fetch.js')]);
    listCheckRuns = octokitCheckRuns(getOctokit(config.githubToken, { request: { fetch: timedFetch() } }), config.repository);
  }

  const verdict = await validateRelease(config, { git: createGit(config.workspace), listCheckRuns, log: core.info });
  const { release } = verdict;
  setOutput('version', release.version);
  setOutput('major', String(release.major));
  setOutput('minor', String(release.minor));
  setOutput('patch', String(release.patch));
  setOutput('prerelease', release.prerelease);
  setOutput('is-prerelease', String(release.isPrerelease));
  setOutput('previous-version', verdict.previousVersion);
  setOutput('release-notes', verdict.releaseNotes);
  setOutput('existing', String(verdict.existing));

  for (const match of verdict.stubMatches.slice(0, MAX_STUB_ANNOTATIONS)) {
    // The title says what it is; the message says it once more only as the pattern and the line.
    core.error(`'${match.pattern}': ${match.text}`, { title: 'Stub marker', file: match.file, startLine: match.line, startColumn: match.column });
  }
  await writeRawSummary(summaryMarkdown(verdict));
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
