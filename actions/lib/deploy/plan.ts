/**
 * Pure planners: from what the cluster holds (the live release, each colour's record, the
 * history) and the inputs, what a run does. Tested table-driven, without a cluster.
 */
import type { ReleaseRecord } from './annotations.js';
import { rollbackTarget, type RevisionEntry } from './history.js';
import type { Color } from './model.js';

export type RollbackPlan =
  /** The previous colour still holds the target unchanged: switch back at once. */
  | { kind: 'switch-back'; color: Color; target: RevisionEntry }
  /** Redeploy the target's image and manifests through the strategy's own path. */
  | { kind: 'redeploy'; target: RevisionEntry }
  /** No history to go by (a release from before it): the previous colour the Service records. */
  | { kind: 'previous-color' };

export interface RollbackState {
  history: RevisionEntry[];
  /** The release record of what serves (on the stable Service). */
  live?: ReleaseRecord;
  /** The colour that does not serve, and its release record with the image it really runs. */
  other?: { color: Color; record?: ReleaseRecord; image: string };
  /** The live colour replaced a Deployment without colours (a migration): rolling back restores that. */
  migrated?: boolean;
}

export function planRollback(state: RollbackState, revision?: number): RollbackPlan {
  const { history, live, other, migrated } = state;
  if (revision !== undefined) {
    const target = rollbackTarget(history, live?.from, revision);
    if (!target) throw new Error(`Cannot roll back: revision ${revision} is not in the history (it holds ${history.map((e) => e.revision).join(', ') || 'nothing'})`);
    return { kind: 'redeploy', target };
  }
  if (!live || history.length === 0) return { kind: 'previous-color' };
  const target = rollbackTarget(history, live.from);
  if (!target && migrated) return { kind: 'previous-color' };
  if (!target) throw new Error(`Cannot roll back: no promoted revision older than revision ${live.from}, which serves now (history: ${history.map((e) => `${e.revision} ${e.result}`).join(', ')})`);
  const record = other?.record;
  if (other && record && record.from === target.from && record.digest === target.digest && other.image === target.image) return { kind: 'switch-back', color: other.color, target };
  return { kind: 'redeploy', target };
}

export interface WeightStep {
  /** The share of replicas the new colour has after this step, in percent (what is served). */
  weight: number;
  /** The step's input weight (the last of those merged into it). */
  asked: number;
  newReplicas: number;
  oldReplicas: number;
}

/**
 * The canary's steps for `total` replicas: the new colour to ceil(total × weight / 100), the old to
 * total − new; steps that round to the same replica count are merged, and those at or below the
 * weight already reached are skipped (a resumed or promoted canary goes on from there).
 */
export function planWeights(steps: number[], total: number, reachedNew = 0): WeightStep[] {
  const planned: WeightStep[] = [];
  for (const asked of steps) {
    const newReplicas = Math.min(total, Math.ceil((total * asked) / 100));
    if (newReplicas <= reachedNew) continue;
    const oldReplicas = total - newReplicas;
    const step = { asked, newReplicas, oldReplicas, weight: servedWeight(newReplicas, oldReplicas) };
    if (planned.at(-1)?.newReplicas === newReplicas) planned[planned.length - 1] = step;
    else planned.push(step);
  }
  return planned;
}

/** The weight actually served: new ÷ (new + old), in whole percent. */
export function servedWeight(newReplicas: number, oldReplicas: number): number {
  const all = newReplicas + oldReplicas;
  return all === 0 ? 0 : Math.round((100 * newReplicas) / all);
}
