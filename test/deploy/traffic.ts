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

/** Resolves once `count` requests in a row answer `version` (a real cluster updates its endpoints a little later); rejects after `attempts`. */
export async function eventuallyOnly(url: string, version: string, count = 20, attempts = 400): Promise<void> {
  let streak = 0;
  for (let i = 0; i < attempts; i++) {
    const answer = await request(url).catch((error: Error) => error.message);
    streak = answer === version ? streak + 1 : 0;
    if (streak >= count) return;
  }
  throw new Error(`never ${count} answers in a row from ${version}`);
}
