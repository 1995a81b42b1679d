/** Steady traffic through a Service's port, one new connection per request, as the deploy tests watch it. */
import { get } from 'node:http';

export function request(url: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const req = get(url, { agent: false, timeout: 2000 }, (res) => {
      let body = '';
      res.setEncoding('utf8').on('data', (chunk) => (body += chunk));
      res.on('end', () => (res.statusCode === 200 ? resolve(body.trim()) : reject(new Error(`HTTP ${res.statusCode}`))));
    });
    req.on('timeout', () => req.destroy(new Error('timeout')));
    req.on('error', reject);
  });
}

/**
 * Calls `send` `perSecond` times a second until the returned function is called. A late tick of
 * setInterval is not made up for, so on a loaded machine a plain interval sinks below its rate;
 * each tick here sends what the clock says is due, and the volume per second holds.
 */
export function paced(perSecond: number, send: () => void): () => void {
  const started = performance.now();
  let sent = 0;
  const timer = setInterval(() => {
    const due = Math.floor(((performance.now() - started) / 1000) * perSecond);
    for (; sent < due; sent++) send();
  }, 1000 / perSecond);
  return () => clearInterval(timer);
}

export interface Traffic {
  seen: string[];
  failures: string[];
  stop(): Promise<void>;
}

/** Sends requests one after another until stopped (at most 20 000). */
export function steadyTraffic(url: string): Traffic {
  const seen: string[] = [];
  const failures: string[] = [];
  let running = true;
  const loop = (async () => {
    for (let i = 0; i < 20_000 && running; i++) {
      try {
        seen.push(await request(url));
      } catch (error) {
        failures.push((error as Error).message);
      }
    }
  })();
  return {
    seen,
    failures,
    async stop() {
      running = false;
      await loop;
    },
  };
}

/**
 * Resolves once `count` requests in a row answer `version` (a real cluster updates its endpoints a
 * little later); rejects after `timeoutMs`. Bounded by time, not by attempts: a Service with no
 * ready endpoint yet refuses at once, and 400 refusals took less than a second on a loaded machine.
 */
export async function eventuallyOnly(url: string, version: string, count = 20, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let streak = 0;
  const seen = new Map<string, number>();
  while (Date.now() < deadline) {
    const answer = await request(url).catch((error: Error) => `error: ${error.message}`);
    seen.set(answer, (seen.get(answer) ?? 0) + 1);
    streak = answer === version ? streak + 1 : 0;
    if (streak >= count) return;
    // Not there yet: give the endpoints a moment rather than spinning on refusals.
    if (streak === 0) await new Promise((done) => setTimeout(done, 50));
  }
  throw new Error(`never ${count} answers in a row from ${version} in ${timeoutMs / 1000} s; answers seen: ${JSON.stringify(Object.fromEntries(seen))}`);
}
