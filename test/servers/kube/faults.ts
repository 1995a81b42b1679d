/** Faults on demand: the next N requests matching a verb and path fail, or their watch streams are cut. */
import { ApiError, errors } from './errors.js';

export interface FaultSpec {
  /** A Kubernetes verb (`get`, `list`, `watch`, `create`, `update`, `patch`, `delete`) or an HTTP method; any when absent. */
  verb?: string;
  /** A substring of the request path, or a RegExp tested against path and query; any when absent. */
  path?: string | RegExp;
  /** How many matching requests fail (default 1). */
  count?: number;
  /** The answer: 500 InternalError, 409 Conflict, 429 TooManyRequests (or any other code). */
  status?: number;
  /** For 429: the Retry-After the answer carries (default 0, so clients retry at once). */
  retryAfterSeconds?: number;
  /** Instead of an error: let a watch start, then cut its stream after this many events. */
  dropWatchAfterEvents?: number;
}

export interface FaultHandle {
  /** Matching requests still to fail. */
  readonly remaining: number;
  cancel(): void;
}

interface ActiveFault {
  spec: FaultSpec;
  remaining: number;
}

export type FaultOutcome = { kind: 'error'; error: ApiError } | { kind: 'drop-watch'; afterEvents: number };

export class Faults {
  private readonly active: ActiveFault[] = [];

  add(spec: FaultSpec): FaultHandle {
    const fault: ActiveFault = { spec, remaining: spec.count ?? 1 };
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

  clear(): void {
    this.active.length = 0;
  }

  /** Takes the first fault matching this request, if any. */
  take(verb: string, method: string, pathAndQuery: string): FaultOutcome | undefined {
    const path = pathAndQuery.split('?')[0];
    const fault = this.active.find(({ spec, remaining }) => {
      if (remaining <= 0) return false;
      if (spec.verb && spec.verb.toLowerCase() !== verb && spec.verb.toUpperCase() !== method) return false;
      if (spec.dropWatchAfterEvents !== undefined && verb !== 'watch') return false;
      if (spec.path instanceof RegExp) return spec.path.test(pathAndQuery);
      return !spec.path || path.includes(spec.path);
    });
    if (!fault) return undefined;
    fault.remaining--;
    const { spec } = fault;
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
