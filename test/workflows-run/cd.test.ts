/**
 * cd.yml run for real by act, called by the CD starter template as a Sunday repository copies it
 * (which first builds both images with ci.yml): a release deployed with promotion auto, a release
 * whose smoke test fails after the switch (rolled back), promotion manual (staged and gated, then
 * promoted by the promote job), `mode: rollback` from workflow_dispatch, and a pushed tag that
 * validate-release refuses (its image gets no moving tag). The scenarios and
 * what each must show are in cd-scenarios.ts; they run in this order on one world, each starting
 * from what the previous one left (v1.0.0 live everywhere at first).
 */
import { jest } from '@jest/globals';
import { seedClusters } from './cluster.js';
import { promotionManual, rejectedRelease, releaseAuto, rollbackMode, smokeFailsAfterSwitch } from './cd-scenarios.js';
import { reportTimings, startStage, type Stage } from './stage.js';

jest.setTimeout(600_000);

let stage: Stage;
beforeAll(async () => {
  stage = await startStage();
  await seedClusters(stage);
}, 900_000);
afterAll(async () => {
  reportTimings(stage);
  await stage?.stop();
});

test('CD on tag v1.1.0, promotion auto: validate-release on the tag, one Slack message posted then updated, the pre-deploy Job first, v1.1.0 serves', async () => {
  await (await releaseAuto(stage)).check();
});

test('CD where the smoke test fails after the switch: the rollback job runs, traffic is back on v1.0.0, Slack says so', async () => {
  await (await smokeFailsAfterSwitch(stage)).check();
});

test('CD with promotion manual: the deploy job stages and gates, the promote job switches', async () => {
  await (await promotionManual(stage)).check();
});

test('CD mode rollback from workflow_dispatch: only the rollback jobs run, production is back on v1.0.0', async () => {
  await (await rollbackMode(stage)).check();
});

test('CD on a pushed tag that validate-release refuses: the image is pushed as 1.0.0 alone, nothing deployed, no moving tag', async () => {
  await (await rejectedRelease(stage)).check();
});
