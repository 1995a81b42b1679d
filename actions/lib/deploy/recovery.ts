/**
 * What a killed run left, and what the next run does about it first, whatever its mode (pure, from
 * the state read at the start). A release switched to but not checked is checked now (and undone
 * when its checks fail); a checked release whose run ended before it said so everywhere, or before
 * it scheduled the scale-down of the colour it replaced, is finished.
 */
import { ANNOTATIONS, type ReleaseRecord } from './annotations.js';
import type { RevisionEntry } from './history.js';
import type { Mode } from './inputs.js';
import { otherColor, type Color } from './model.js';
import type { AppState } from './state.js';

export type Recovery =
  | { kind: 'none' }
  /** The Service serves `color`, switched to by a run that ended before its post-checks: run them; when they fail, back to `previous`. */
  | { kind: 'post-check'; color: Color; previous?: Color; record: ReleaseRecord }
  /** The post-checks passed; the colour's record, the history or the scale-down of the replaced colour were not written. */
  | { kind: 'finish-checked'; color: Color; record: ReleaseRecord; markColor: boolean; markHistory: boolean; scaleDown?: Color };

export function planRecovery(state: AppState, mode: Mode): Recovery {
  const { live, serving } = state;
  if (!live || !serving || live.color !== serving) return { kind: 'none' };
  const recorded = state.service?.metadata?.annotations?.[ANNOTATIONS.previousColor];
  const previous = recorded === 'blue' || recorded === 'green' ? recorded : undefined;
  if (live.stage === 'switched-unchecked') {
    // A rollback undoes the unchecked release in any case: checking it first would only delay that.
    return mode === 'rollback' ? { kind: 'none' } : { kind: 'post-check', color: serving, previous, record: live };
  }
  if (live.stage !== 'checked') return { kind: 'none' };
  const own = state.colors[serving].record;
  const markColor = own?.revision === live.revision && own.stage !== 'checked' && own.stage !== 'scaled-down';
  const markHistory = state.history.find((entry) => entry.revision === live.revision)?.result === 'staged';
  const other = state.colors[otherColor(serving)];
  const replicas = other.deployment?.spec?.replicas ?? 0;
  // Only the colour this release replaced (an older release, not one staged since) with nothing scheduled for it.
  const replaced = other.record === undefined || other.record.revision < live.revision;
  const staged = other.deployment?.metadata?.annotations?.[ANNOTATIONS.staged] === 'true';
  const scaleDown = replicas > 0 && replaced && !staged && other.scaleDownAt === undefined && otherColor(serving) === previous ? previous : undefined;
  if (!markColor && !markHistory && !scaleDown) return { kind: 'none' };
  return { kind: 'finish-checked', color: serving, record: live, markColor, markHistory, scaleDown };
}

/**
 * How long to wait for a scale-down deadline an earlier run scheduled, if this run can finish it
 * within its own bound (`runEndsAt`); undefined when there is none or it falls later.
 */
export function pendingScaleDownWait(deadline: number | undefined, now: number, runEndsAt: number): number | undefined {
  if (deadline === undefined || deadline > runEndsAt) return undefined;
  return Math.max(0, deadline - now);
}

/**
 * Whether a colour holds a release a killed run staged and never finished: newer than the live
 * release and still `staged` in the history (a gate that failed says `failed`, mode deploy marks
 * its colour staged). Only a run holding the Lease asks, so no other run can be staging it now.
 */
export function leftByKilledRun(record: ReleaseRecord | undefined, live: ReleaseRecord | undefined, history: RevisionEntry[]): boolean {
  if (!record || (live && record.revision <= live.revision)) return false;
  return history.find((entry) => entry.revision === record.revision)?.result === 'staged';
}
