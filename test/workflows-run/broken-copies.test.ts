/**
 * A workflow test that cannot catch a broken workflow is no test: each case copies cd.yml, breaks
 * one thing in the copy, runs the matching scenario on a suite export holding the copy, and shows
 * that the scenario's check fails — and why, from what the peers received.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { jest } from '@jest/globals';
import { repoRoot } from '../harness.js';
import { rollbackMode, smokeFailsAfterSwitch } from './cd-scenarios.js';
import { slackCalls, slackMark } from './cd-expectations.js';
import { deployRelease, seedClusters, serving, taggedImage } from './cluster.js';
import { quietMismatches, reportTimings, startStage, type Stage } from './stage.js';
import { exportSuite } from './suite-export.js';

jest.setTimeout(600_000);

const CD = '.github/workflows/cd.yml';
const original = readFileSync(join(repoRoot, CD), 'utf8');

/** The suite with cd.yml changed by replacing `from` (which must occur) with `to`. */
function brokenSuite(stage: Stage, name: string, from: string, to: string): string {
  expect(original).toContain(from);
  return exportSuite(join(stage.dir, `suite-${name}`), { [CD]: original.replace(from, to) });
}

let stage: Stage;
beforeAll(async () => {
  stage = await startStage();
  await seedClusters(stage);
  // Production runs v1.1.0 with v1.0.0 behind it, so a rollback has somewhere to go.
  await deployRelease(stage, 'production', 'v1.1.0');
  quietMismatches(true);
}, 900_000);
afterAll(async () => {
  quietMismatches(false);
  reportTimings(stage);
  await stage?.stop();
});

test("the rollback job's if: without always(), a rollback from workflow_dispatch never runs", async () => {
  const suite = brokenSuite(stage, 'rollback-if', "always() && needs.prepare.result == 'success' && github.event_name != 'pull_request' && (", "needs.prepare.result == 'success' && github.event_name != 'pull_request' && (");
  const outcome = await rollbackMode(stage, suite);
  await expect(outcome.check()).rejects.toThrow();
  // Why: the deploy job it needs was skipped, so without always() the rollback job is skipped too.
  expect(outcome.result.jobs['backend/Sunday CD/Roll back backend in production']).toBe('skipped');
  expect((await serving(stage, 'production', 'backend')).image).toBe(taggedImage(stage, 'backend', 'v1.1.0'));
});

test("the Slack update's ts wiring: prepare hands out a ts output that does not exist, the message is never updated", async () => {
  const suite = brokenSuite(stage, 'slack-ts', 'slack-ts: ${{ steps.started.outputs.ts }}', 'slack-ts: ${{ steps.started.outputs.timestamp }}');
  const before = slackMark(stage.world);
  const outcome = await rollbackMode(stage, suite);
  await expect(outcome.check()).rejects.toThrow();
  expect(slackCalls(stage.world, before).map((c) => c.method)).toEqual(['chat.postMessage', 'chat.postMessage']);
  expect(outcome.result.jobs['backend/Sunday CD/Slack · result']).toBe('skipped');
});

test('an output name of the deploy job: `promoted` renamed, a release failing after the switch is not rolled back', async () => {
  const suite = brokenSuite(stage, 'deploy-output', '      promoted: ${{ steps.deploy.outputs.promoted || steps.canary.outputs.promoted }}', '      switched: ${{ steps.deploy.outputs.promoted || steps.canary.outputs.promoted }}');
  const outcome = await smokeFailsAfterSwitch(stage, suite);
  await expect(outcome.check()).rejects.toThrow();
  expect(outcome.result.jobs['backend/Sunday CD/Deploy backend to staging']).toBe('failure');
  expect(outcome.result.jobs['backend/Sunday CD/Roll back backend in staging']).toBe('skipped');
  // Traffic stayed on the broken release: the Service still selects the colour running its image.
  const selector = stage.world.kube.store.get('v1', 'Service', 'sunday-staging', 'backend')!.spec.selector as Record<string, string>;
  const live = stage.world.kube.store.list('apps/v1', 'Deployment', 'sunday-staging').find((d) => Object.entries(selector).every(([k, v]) => d.spec.template.metadata.labels?.[k] === v));
  expect(live?.spec.template.spec.containers[0].image).toMatch(/sunday-backend@sha256:/);
});
