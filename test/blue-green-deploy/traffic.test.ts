/** Real traffic through the live Service during a promote: nothing fails, the version flips once. */
import { request } from '../deploy/traffic.js';
import { startStage, type Stage } from './fixture.js';

let stage: Stage;
beforeAll(async () => {
  stage = await startStage({}, { replicas: 2 });
  expect((await stage.deploy({ image: 'sunday/web:v1' })).exitCode).toBe(0);
});
afterAll(() => stage.stop());

test('a steady stream of requests during deploy-and-promote: no failure, v1 then v2, one change', async () => {
  const url = await stage.kube.serviceUrl('default', 'web');
  const seen: string[] = [];
  const failures: string[] = [];
  let deploying = true;
  const stream = (async () => {
    // Bounded: at most 5000 requests, and it stops shortly after the deploy ends.
    for (let i = 0; i < 5000 && (deploying || i < seen.length + 20); i++) {
      try {
        seen.push(await request(url));
      } catch (error) {
        failures.push((error as Error).message);
      }
      if (!deploying) break;
    }
  })();
  const r = await stage.deploy({ image: 'sunday/web:v2', 'scale-down-delay': '1s', checks: '- url: /\n  expect-body: v2' });
  deploying = false;
  await stream;
  for (let i = 0; i < 10; i++) seen.push(await request(url));
  expect(r.exitCode).toBe(0);
  expect(failures).toEqual([]);
  const changes = seen.filter((version, i) => i > 0 && version !== seen[i - 1]);
  expect(seen[0]).toBe('v1');
  expect(seen.at(-1)).toBe('v2');
  expect(changes).toEqual(['v2']);
  expect(seen.length).toBeGreaterThan(20);
});
