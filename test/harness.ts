/**
 * The tests' thin layer over runner/: names actions by folder, loads the real webhook payloads kept
 * in test/fixtures/events, and cleans up the step folders.
 */
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { runAction, type RunOptions, type RunResult } from '../runner/index.js';
import type { EventSpec } from '../runner/index.js';

export const repoRoot = resolve(import.meta.dirname, '..');
/** Real Trivy reports (golden outputs of Trivy's integration tests), kept in the repository. */
export const trivyFixtures = join(repoRoot, 'test', 'fixtures', 'trivy');

export type EventFixture =
  | 'push-branch'
  | 'push-main'
  | 'push-tag-v1.2.3'
  | 'push-tag-v1.2.3-rc.1'
  | 'pull_request-opened'
  | 'release-published'
  | 'workflow_dispatch-inputs';

export function loadEvent(fixture: EventFixture): EventSpec {
  const payload = JSON.parse(readFileSync(join(repoRoot, 'test', 'fixtures', 'events', `${fixture}.json`), 'utf8'));
  return { name: fixture.split('-')[0], payload };
}

export type StepOptions = Omit<RunOptions, 'actionDir'> & { eventFixture?: EventFixture };

/** Runs the committed bundle of `action` (e.g. 'smoke-test') as the runner does. */
export function runStep(action: string, options: StepOptions = {}): Promise<RunResult> {
  const { eventFixture, ...rest } = options;
  return runAction({
    actionDir: join(repoRoot, action),
    event: eventFixture ? loadEvent(eventFixture) : rest.event,
    timeoutMs: 60_000,
    ...rest,
  });
}
