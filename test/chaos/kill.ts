/**
 * Deterministic kill points: the run is made to stop at a known place, then SIGKILLed there as a
 * cancelled job without grace is. `request`: the Nth API request of the app's namespace hangs
 * (the fault API's `hang` after `skip`); `check`: the gate's or the post-checks' first request is
 * held by the check server; `log`: a line the run prints before a wait (the scale-down delay).
 */
import type { RunResult } from '../../runner/index.js';
import type { KubeTarget } from '../cluster/target.js';
import type { StepOptions } from '../harness.js';
import type { CheckKind, CheckServer } from './check-server.js';

export type KillPoint = { kind: 'request'; n: number } | { kind: 'check'; check: CheckKind } | { kind: 'log'; line: RegExp };

export const describePoint = (point: KillPoint) => (point.kind === 'request' ? `request ${point.n}` : point.kind === 'check' ? `held ${point.check} check` : `log ${point.line.source}`);

export interface KillResult {
  run: RunResult;
  /** Whether the run was stopped at the point (false: it ended before reaching it). */
  killed: boolean;
}

/** The requests of a namespace the target recorded so far. */
export async function namespaceRequests(target: KubeTarget, namespace: string): Promise<number> {
  const marker = `/namespaces/${namespace}/`;
  return (await target.requests()).filter((request) => request.path.includes(marker)).length;
}

export async function runKilledAt(target: KubeTarget, checks: CheckServer, namespace: string, point: KillPoint, start: (options: StepOptions) => Promise<RunResult>): Promise<KillResult> {
  const kill = new AbortController();
  let done = false;
  if (point.kind === 'request') {
    await target.injectFault({ path: new RegExp(`/namespaces/${namespace}/`), network: 'hang', skip: point.n - 1, count: 1 });
  } else if (point.kind === 'check') {
    void checks.hold(namespace, point.check).then(() => kill.abort());
  }
  const before = point.kind === 'request' ? await namespaceRequests(target, namespace) : 0;
  const running = start({
    kill: kill.signal,
    onOutput: point.kind === 'log' ? (chunk) => void (point.line.test(chunk) && kill.abort()) : undefined,
  }).finally(() => (done = true));
  if (point.kind === 'request') {
    // The hung request is the Nth of the namespace since the fault: once it is recorded, the run is stuck on it.
    while (!done && (await namespaceRequests(target, namespace)) - before < point.n) await new Promise((resolve) => setTimeout(resolve, 100));
    kill.abort();
  }
  const run = await running;
  return { run, killed: run.signal === 'SIGKILL' };
}
