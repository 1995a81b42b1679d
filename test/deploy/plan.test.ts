/** The deploy core's pure parts, table-driven and without a cluster: weights, rollback targets, history, the annotation codec. */
import { decodeRelease, encodeRelease, type ReleaseRecord } from '../../actions/lib/deploy/annotations.js';
import { historyData, packManifests, parseHistory, rollbackTarget, unpackManifests, type RevisionEntry } from '../../actions/lib/deploy/history.js';
import { planRollback, planWeights } from '../../actions/lib/deploy/plan.js';
import { parseSteps } from '../../actions/canary-deploy/inputs.js';

describe('planWeights', () => {
  test.each([
    // steps, total, reached → [weight served, new, old]
    [[10, 50, 100], 10, 0, [[10, 1, 9], [50, 5, 5], [100, 10, 0]]],
    [[10, 50, 100], 4, 0, [[25, 1, 3], [50, 2, 2], [100, 4, 0]]],
    // 10 % and 50 % of 2 both round up to 1 replica: merged.
    [[10, 50, 100], 2, 0, [[50, 1, 1], [100, 2, 0]]],
    [[10, 50, 100], 1, 0, [[100, 1, 0]]],
    [[25, 50, 75, 100], 4, 0, [[25, 1, 3], [50, 2, 2], [75, 3, 1], [100, 4, 0]]],
    // A resumed canary goes on from the replicas it reached.
    [[10, 50, 100], 10, 1, [[50, 5, 5], [100, 10, 0]]],
    [[10, 50, 100], 10, 5, [[100, 10, 0]]],
    [[10, 50, 100], 10, 10, []],
    [[100], 3, 0, [[100, 3, 0]]],
  ])('%p of %p replicas from %p', (steps, total, reached, expected) => {
    expect(planWeights(steps, total, reached).map((s) => [s.weight, s.newReplicas, s.oldReplicas])).toEqual(expected);
  });

  test('capacity never drops below total and each step adds new replicas', () => {
    for (let total = 1; total <= 30; total++) {
      const steps = planWeights([1, 5, 10, 33, 50, 90, 100], total);
      let previous = 0;
      for (const step of steps) {
        expect(step.newReplicas + step.oldReplicas).toBe(total);
        expect(step.newReplicas).toBeGreaterThan(previous);
        previous = step.newReplicas;
      }
      expect(steps.at(-1)).toMatchObject({ newReplicas: total, weight: 100 });
    }
  });
});

describe('parseSteps', () => {
  test.each([
    ['10,50,100', [10, 50, 100]],
    ['25, 50, 75, 100', [25, 50, 75, 100]],
    ['100', [100]],
    ['1\n100', [1, 100]],
  ])('%p', (text, steps) => expect(parseSteps(text)).toEqual(steps));
  test.each(['', '10,50', '50,10,100', '10,10,100', '0,100', '10,50,110', 'ten,100', '10.5,100', '-10,100'])('%p is refused', (text) => {
    expect(() => parseSteps(text)).toThrow("Input 'steps' must be percentages from 1 to 100, strictly increasing and ending at 100, such as '10,50,100'");
  });
});

const entry = (revision: number, result: RevisionEntry['result'], extra: Partial<RevisionEntry> = {}): RevisionEntry => ({
  revision,
  from: revision,
  image: `web:v${revision}`,
  digest: `d${revision}`,
  strategy: 'blue-green',
  color: revision % 2 ? 'blue' : 'green',
  time: '2026-01-01T00:00:00.000Z',
  runUrl: '',
  result,
  manifests: '',
  ...extra,
});
const record = (revision: number, from = revision, color = 'blue'): ReleaseRecord => ({ revision, from, image: `web:v${from}`, digest: `d${from}`, strategy: 'blue-green', color, stage: 'checked' });

describe('rollbackTarget and planRollback', () => {
  const history = [entry(1, 'promoted'), entry(2, 'failed'), entry(3, 'promoted'), entry(4, 'promoted')];

  test.each([
    // live from, wanted → target
    [4, undefined, 3],
    [3, undefined, 1], // 2 failed: never a target
    [1, undefined, undefined],
    [4, 2, 2], // an explicit revision is taken as asked
    [undefined, undefined, 4],
  ])('live from %p, revision %p → %p', (from, wanted, expected) => {
    expect(rollbackTarget(history, from, wanted)?.revision).toBe(expected);
  });

  test('a rollback redeploy (revision 5 from 3) is followed by one that goes further back, to 1, never forward to 4', () => {
    const after = [...history, entry(5, 'promoted', { from: 3, image: 'web:v3', digest: 'd3' })];
    expect(planRollback({ history: after, live: record(5, 3) })).toMatchObject({ kind: 'redeploy', target: { revision: 1 } });
  });

  test.each([
    ['the other colour holds the target unchanged: switch back', { color: 'green' as const, record: record(3, 3, 'green'), image: 'web:v3' }, 'switch-back'],
    ['the other colour was restaged since: redeploy', { color: 'green' as const, record: record(5, 5, 'green'), image: 'web:v5' }, 'redeploy'],
    ['its image was changed by hand: redeploy', { color: 'green' as const, record: record(3, 3, 'green'), image: 'web:hotfix' }, 'redeploy'],
    ['the other colour is gone: redeploy', undefined, 'redeploy'],
  ])('%s', (_, other, kind) => {
    expect(planRollback({ history, live: record(4), other }).kind).toBe(kind);
  });

  test('with revision N: always redeployed, even if the other colour holds it', () => {
    expect(planRollback({ history, live: record(4), other: { color: 'green', record: record(3, 3, 'green'), image: 'web:v3' } }, 3)).toMatchObject({ kind: 'redeploy', target: { revision: 3 } });
    expect(() => planRollback({ history, live: record(4) }, 9)).toThrow('Cannot roll back: revision 9 is not in the history (it holds 1, 2, 3, 4)');
  });

  test('nothing older: an error, unless the live colour replaced a plain Deployment', () => {
    expect(() => planRollback({ history, live: record(1) })).toThrow('Cannot roll back: no promoted revision older than revision 1');
    expect(planRollback({ history, live: record(1), migrated: true }).kind).toBe('previous-color');
    expect(planRollback({ history: [], live: undefined }).kind).toBe('previous-color');
  });
});

describe('history ConfigMap', () => {
  test('keeps the newest 10', () => {
    const data = historyData(Array.from({ length: 14 }, (_, i) => entry(i + 1, 'promoted')));
    expect(parseHistory({ apiVersion: 'v1', kind: 'ConfigMap', metadata: {}, data }).map((e) => e.revision)).toEqual([5, 6, 7, 8, 9, 10, 11, 12, 13, 14]);
  });

  test('drops the oldest while the data exceeds 900 KiB', () => {
    const big = 'x'.repeat(200 * 1024);
    const data = historyData(Array.from({ length: 6 }, (_, i) => entry(i + 1, 'promoted', { manifests: big })));
    const kept = parseHistory({ apiVersion: 'v1', kind: 'ConfigMap', metadata: {}, data }).map((e) => e.revision);
    expect(kept).toEqual([3, 4, 5, 6]);
    expect(Object.values(data).join('').length).toBeLessThanOrEqual(900 * 1024);
  });

  test('manifests are stored compressed and without Secrets', () => {
    const objects = [
      { apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'web' } },
      { apiVersion: 'v1', kind: 'Secret', metadata: { name: 'db' }, stringData: { password: 'hunter2' } },
    ];
    const packed = packManifests(objects);
    expect(Buffer.from(packed, 'base64').subarray(0, 2)).toEqual(Buffer.from([0x1f, 0x8b]));
    expect(unpackManifests(packed)).toEqual([objects[0]]);
    expect(JSON.stringify(unpackManifests(packed))).not.toContain('hunter2');
  });
});

describe('the release record codec', () => {
  test.each(['staged', 'switched-unchecked', 'checked', 'scaled-down'] as const)('stage %s round-trips', (stage) => {
    const value: ReleaseRecord = { revision: 7, from: 3, image: 'web:v3', digest: 'abc', strategy: 'canary', color: 'green', stage, weight: 50, total: 4 };
    expect(decodeRelease({ apiVersion: 'v1', kind: 'Service', metadata: { annotations: { 'sunday.dev/release': encodeRelease(value) } } })).toEqual(value);
  });

  test.each([['not json'], ['{"revision":"7"}'], ['{"revision":7,"image":"x","stage":"launched"}']])('%p is no record', (text) => {
    expect(decodeRelease({ apiVersion: 'v1', kind: 'Service', metadata: { annotations: { 'sunday.dev/release': text } } })).toBeUndefined();
  });
});

describe('appState', () => {
  test('decodes the Service, both colours and the history in one typed object', async () => {
    const { appState } = await import('../../actions/lib/deploy/state.js');
    const rec = encodeRelease(record(2, 2, 'green'));
    const state = appState(
      { metadata: { name: 'web', annotations: { 'sunday.dev/release': rec } }, spec: { selector: { app: 'web', 'sunday.dev/color': 'green' } } },
      { metadata: { name: 'web-blue', annotations: { 'sunday.dev/scale-down-at': '2026-01-01T00:00:00.000Z', 'sunday.dev/release': encodeRelease(record(1)) } } },
      { metadata: { name: 'web-green', annotations: { 'sunday.dev/release': rec } } },
      { metadata: { name: 'web-deploy-history' }, data: historyData([entry(1, 'promoted'), entry(2, 'promoted')]) },
    );
    expect(state.serving).toBe('green');
    expect(state.live).toMatchObject({ revision: 2, color: 'green' });
    expect(state.colors.blue).toMatchObject({ record: { revision: 1 }, scaleDownAt: Date.parse('2026-01-01T00:00:00.000Z') });
    expect(state.colors.green.scaleDownAt).toBeUndefined();
    expect(state.history.map((e) => e.revision)).toEqual([1, 2]);
  });
});
