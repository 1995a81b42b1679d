/**
 * Faults on demand: the next N requests matching a verb and path fail, hang, have their connection
 * reset, or their watch streams are cut or answered with a 410 ERROR event. The emulator and the
 * fault proxy in front of the real kube-apiserver (test/cluster/fault-proxy.ts) share this code, so
 * every fault test runs on both.
 */
import { ApiError, errors } from './errors.js';

export interface FaultSpec {
  /** A Kubernetes verb (`get`, `list`, `watch`, `create`, `update`, `patch`, `delete`) or an HTTP method; any when absent. */
  verb?: string;
  /** A substring of the request path, or a RegExp tested against path and query; any when absent. */
  path?: string | RegExp;
  /** How many matching requests fail (default 1). */
  count?: number;
  /** How many matching requests pass untouched before the fault applies (default 0): the Nth request is `skip: N - 1`. */
  skip?: number;
  /** The answer: 500 InternalError, 409 Conflict, 429 TooManyRequests (or any other code). */
  status?: number;
  /** For 429: the Retry-After the answer carries (default 0, so clients retry at once). */
  retryAfterSeconds?: number;
  /** Instead of an error: let a watch start, then cut its stream after this many events. */
  dropWatchAfterEvents?: number;
  /** Instead of an answer: reset the connection, or hold the request open without answering (until the client gives up or the server stops). */
  network?: 'reset' | 'hang';
  /** A watch answers 200, then one `ERROR` event carrying a 410 Expired Status, then ends: what a real API server sends when the resourceVersion is too old. */
  watchGone?: boolean;
  /** Who set it (a suite on the shared real cluster): `clear(owner)` removes only that owner's faults. */
  owner?: string;
}

export interface FaultHandle {
  /** Matching requests still to fail. */
  readonly remaining: number;
  cancel(): void;
}

interface ActiveFault {
  spec: FaultSpec;
  remaining: number;
  skipping: number;
}

export type FaultOutcome =
  | { kind: 'error'; error: ApiError }
  | { kind: 'drop-watch'; afterEvents: number }
  | { kind: 'reset' }
  | { kind: 'hang' }
  | { kind: 'watch-gone'; event: string };

export class Faults {
  private readonly active: ActiveFault[] = [];

  add(spec: FaultSpec): FaultHandle {
    const fault: ActiveFault = { spec, remaining: spec.count ?? 1, skipping: spec.skip ?? 0 };
    this.active.push(fault);
    return {
      get remaining() {
        return fault.remaining;
      },
      cancel: () => {
        fault.remaining = 0;
      },
    };
  }

  /** Removes every fault, or only those `owner` set: suites sharing one cluster must not cancel each other's. */
  clear(owner?: string): void {
    const kept = owner === undefined ? [] : this.active.filter((fault) => fault.spec.owner !== owner);
    this.active.splice(0, this.active.length, ...kept);
  }

  /** Takes the first fault matching this request, if any. */
  take(verb: string, method: string, pathAndQuery: string): FaultOutcome | undefined {
    const path = pathAndQuery.split('?')[0];
    const fault = this.active.find(({ spec, remaining }) => {
      if (remaining <= 0) return false;
      if (spec.verb && spec.verb.toLowerCase() !== verb && spec.verb.toUpperCase() !== method) return false;
      if ((spec.dropWatchAfterEvents !== undefined || spec.watchGone) && verb !== 'watch') return false;
      if (spec.path instanceof RegExp) return spec.path.test(pathAndQuery);
      return !spec.path || path.includes(spec.path);
    });
    if (!fault) return undefined;
    if (fault.skipping > 0) {
      fault.skipping--;
      return undefined;
    }
    fault.remaining--;
    const { spec } = fault;
    if (spec.network) return { kind: spec.network };
    if (spec.watchGone) return { kind: 'watch-gone', event: watchGoneEvent() };
    if (spec.dropWatchAfterEvents !== undefined) return { kind: 'drop-watch', afterEvents: spec.dropWatchAfterEvents };
    return { kind: 'error', error: faultError(spec.status ?? 500, spec.retryAfterSeconds ?? 0) };
  }
}

function faultError(status: number, retryAfterSeconds: number): ApiError {
  switch (status) {
    case 409:
      return new ApiError(409, 'Conflict', 'Operation cannot be fulfilled: the object has been modified; please apply your changes to the latest version and try again (injected fault)');
    case 429:
      return errors.tooManyRequests(retryAfterSeconds);
    case 500:
      return errors.internal('injected fault');
    default:
      return new ApiError(status, status >= 500 ? 'InternalError' : 'BadRequest', `injected fault (${status})`);
  }
}

/** The one line of a watch stream a real API server sends for a resourceVersion it no longer has. */
export function watchGoneEvent(error: ApiError = new ApiError(410, 'Expired', 'too old resource version (injected fault)')): string {
  return JSON.stringify({ type: 'ERROR', object: error.toStatus() }) + '\n';
}

/**
 * The Kubernetes verb of any request, from its method and path alone (no resource table): what a
 * proxy in front of a real API server matches faults on. `/api[s]/…/<resource>[/<name>[/<sub>]]`.
 */
export function requestVerb(method: string, pathAndQuery: string): string {
  const [path, query = ''] = pathAndQuery.split('?');
  const segments = path.split('/').filter(Boolean);
  const start = segments[0] === 'api' ? 2 : segments[0] === 'apis' ? 3 : -1;
  if (start < 0 || segments.length <= start) return 'discovery';
  let rest = segments.slice(start);
  if (rest[0] === 'namespaces' && rest.length >= 3) rest = rest.slice(2);
  if (rest[2] === 'proxy') return 'proxy';
  const named = rest.length >= 2;
  const watch = /(^|&)watch=(true|1)(&|$)/.test(query);
  switch (method) {
    case 'GET':
      return named ? 'get' : watch ? 'watch' : 'list';
    case 'POST':
      return 'create';
    case 'PUT':
      return 'update';
    case 'PATCH':
      return 'patch';
    case 'DELETE':
      return named ? 'delete' : 'deletecollection';
    default:
      return 'other';
  }
}
