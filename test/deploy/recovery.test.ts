/** What the next run does first about what a killed run left (recovery.ts), table-driven, no cluster. */
import { encodeRelease, type ReleaseRecord, type ReleaseStage } from '../../actions/lib/deploy/annotations.js';
import { historyData, type RevisionEntry } from '../../actions/lib/deploy/history.js';
import { leftByKilledRun, pendingScaleDownWait, planRecovery } from '../../actions/lib/deploy/recovery.js';
import { appState } from '../../actions/lib/deploy/state.js';
import type { V1Deployment } from '@kubernetes/client-node';

const record = (revision: number, color: string, stage: ReleaseStage): ReleaseRecord => ({ revision, from: revision, image: `web:v${revision}`, digest: `d${revision}`, strategy: 'blue-green', color, stage });
const entry = (revision: number, result: RevisionEntry['result']): RevisionEntry => ({ revision, from: revision, image: `web:v${revision}`, digest: `d${revision}`, strategy: 'blue-green', color: revision % 2 ? 'blue' : 'green', time: '2026-01-01T00:00:00Z', runUrl: '', result, manifests: '' });

interface World {
  /** The Service: green (revision 2) serves at this stage, switched from blue (revision 1). */
  liveStage: ReleaseStage;
  greenStage?: ReleaseStage;
  result2?: RevisionEntry['result'];
  blueReplicas?: number;
  blueDeadline?: string;
  blueStaged?: boolean;
  blueRevision?: number;
}

function state(world: World) {
  const { liveStage, greenStage = liveStage, result2 = liveStage === 'switched-unchecked' ? 'staged' : 'promoted', blueReplicas = 2, blueRevision = 1 } = world;
  const blueAnnotations: Record<string, string> = { 'sunday.dev/release': encodeRelease(record(blueRevision, 'blue', blueRevision > 2 ? 'staged' : 'checked')) };
  if (world.blueDeadline) blueAnnotations['sunday.dev/scale-down-at'] = world.blueDeadline;
  if (world.blueStaged) blueAnnotations['sunday.dev/staged'] = 'true';
  return appState(
    { metadata: { name: 'web', annotations: { 'sunday.dev/release': encodeRelease(record(2, 'green', liveStage)), 'sunday.dev/previous-color': 'blue' } }, spec: { selector: { app: 'web', 'sunday.dev/color': 'green' } } },
    { metadata: { name: 'web-blue', annotations: blueAnnotations }, spec: { replicas: blueReplicas } } as unknown as V1Deployment,
    { metadata: { name: 'web-green', annotations: { 'sunday.dev/release': encodeRelease(record(2, 'green', greenStage)) } }, spec: { replicas: 2 } } as unknown as V1Deployment,
    { metadata: { name: 'web-deploy-history' }, data: historyData([entry(1, 'promoted'), entry(2, result2)]) },
  );
}

describe('planRecovery', () => {
  test.each<[string, World, string, ReturnType<typeof planRecovery>]>([
    ['killed after the switch, before the post-checks: check now, back to blue if they fail', { liveStage: 'switched-unchecked' }, 'deploy-and-promote', { kind: 'post-check', color: 'green', previous: 'blue', record: record(2, 'green', 'switched-unchecked') }],
    ['the same in mode abort or promote: finished before the mode runs', { liveStage: 'switched-unchecked' }, 'abort', { kind: 'post-check', color: 'green', previous: 'blue', record: record(2, 'green', 'switched-unchecked') }],
    ['mode rollback undoes it anyway: no checks first', { liveStage: 'switched-unchecked' }, 'rollback', { kind: 'none' }],
    ['killed after the Service said checked: the colour, the history and the scale-down', { liveStage: 'checked', greenStage: 'switched-unchecked', result2: 'staged' }, 'deploy', { kind: 'finish-checked', color: 'green', record: record(2, 'green', 'checked'), markColor: true, markHistory: true, scaleDown: 'blue' }],
    ['killed before the scale-down deadline was written: scheduled now', { liveStage: 'checked' }, 'deploy-and-promote', { kind: 'finish-checked', color: 'green', record: record(2, 'green', 'checked'), markColor: false, markHistory: false, scaleDown: 'blue' }],
    ['a deadline is already written: nothing (the overdue or pending scale-down does it)', { liveStage: 'checked', blueDeadline: '2026-01-01T00:00:00.000Z' }, 'deploy', { kind: 'none' }],
    ['blue already at zero', { liveStage: 'checked', blueReplicas: 0 }, 'deploy', { kind: 'none' }],
    ['blue staged by mode deploy since: left alone', { liveStage: 'checked', blueStaged: true, blueRevision: 3 }, 'promote', { kind: 'none' }],
    ['blue holds a newer release (a gate that failed, kept): left alone', { liveStage: 'checked', blueRevision: 3 }, 'deploy', { kind: 'none' }],
    ['all done', { liveStage: 'scaled-down', blueReplicas: 0 }, 'deploy', { kind: 'none' }],
  ])('%s', (_name, world, mode, expected) => {
    expect(planRecovery(state(world), mode as never)).toEqual(expected);
  });

  test('no Service, or one that selects no colour alone (a canary between steps): nothing', () => {
    expect(planRecovery(appState(undefined, undefined, undefined, undefined), 'deploy')).toEqual({ kind: 'none' });
    const between = state({ liveStage: 'switched-unchecked' });
    expect(planRecovery({ ...between, serving: undefined }, 'deploy')).toEqual({ kind: 'none' });
  });
});

describe('pendingScaleDownWait', () => {
  test.each<[string, number | undefined, number | undefined]>([
    ['none scheduled', undefined, undefined],
    ['overdue: at once', 500, 0],
    ['in 2 s, the run may last 10 s more: waits 2 s', 3_000, 2_000],
    ['after the run’s bound: left to a later run', 20_000, undefined],
  ])('%s', (_name, deadline, expected) => {
    expect(pendingScaleDownWait(deadline, 1_000, 11_000)).toBe(expected);
  });
});

describe('leftByKilledRun', () => {
  const live = record(2, 'green', 'checked');
  test.each<[string, ReleaseRecord | undefined, RevisionEntry['result'], boolean]>([
    ['a newer revision still staged in the history: a killed run’s', record(3, 'blue', 'staged'), 'staged', true],
    ['its gate failed: kept for inspection', record(3, 'blue', 'staged'), 'failed', false],
    ['the release the live one replaced', record(1, 'blue', 'checked'), 'promoted', false],
    ['no record', undefined, 'staged', false],
  ])('%s', (_name, own, result, expected) => {
    expect(leftByKilledRun(own, live, [entry(1, 'promoted'), entry(2, 'promoted'), entry(3, result)])).toBe(expected);
  });
});
