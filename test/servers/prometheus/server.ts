/**
 * A real Prometheus (Debian's `prometheus` 2.42) started for a test: a config written to a temporary
 * folder with a 1 s scrape interval and one job whose targets come from a `file_sd_configs` file
 * (Debian's build has no Kubernetes discovery), TSDB in the same folder, on a free loopback port.
 * `setTargets` rewrites the file (atomically, as file_sd expects); Prometheus notices it by inotify.
 * Prometheus's own query log (`query_log_file`, one JSON line per query it ran) tells a test how
 * many queries were answered, so it can act mid-run on an event rather than after a sleep.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, renameSync, rmSync, watch, writeFileSync } from 'node:fs';
import { createServer, type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface TargetGroup {
  /** `host:port` of each endpoint exporting /metrics. */
  targets: string[];
  /** Labels added to every series of these targets, e.g. namespace, pod, color. */
  labels: Record<string, string>;
}

export interface PrometheusServer {
  /** `http://127.0.0.1:<port>` */
  url: string;
  setTargets(groups: TargetGroup[]): void;
  /** Resolves once every given `pod` label has been scraped successfully at least once. */
  scraped(pods: string[], timeoutMs?: number): Promise<void>;
  /** Resolves once Prometheus has run `count` queries in all (its query log), e.g. to stop it mid-run. */
  queried(count: number, timeoutMs?: number): Promise<void>;
  /** Stops the process (kill -TERM) and waits for it; the folder goes too unless `keepData`. */
  stop(options?: { keepData?: boolean }): Promise<void>;
}

export interface PrometheusOptions {
  scrapeIntervalMs?: number;
  binary?: string;
}

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((done) => server.close(() => done()));
  return port;
}

export async function startPrometheus(options: PrometheusOptions = {}): Promise<PrometheusServer> {
  const dir = mkdtempSync(join(tmpdir(), 'sunday-prometheus-'));
  const targetsFile = join(dir, 'targets.json');
  const queryLog = join(dir, 'queries.log');
  const interval = `${Math.max(1, Math.round((options.scrapeIntervalMs ?? 1000) / 1000))}s`;
  writeFileSync(targetsFile, '[]');
  writeFileSync(
    join(dir, 'prometheus.yml'),
    [
      'global:',
      `  scrape_interval: ${interval}`,
      `  evaluation_interval: ${interval}`,
      `  query_log_file: ${queryLog}`,
      'scrape_configs:',
      '  - job_name: pods',
      `    scrape_timeout: ${interval}`,
      '    file_sd_configs:',
      `      - files: ['${targetsFile}']`,
      '        refresh_interval: 1s',
      '',
    ].join('\n'),
  );
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const child: ChildProcess = spawn(
    options.binary ?? 'prometheus',
    [`--config.file=${join(dir, 'prometheus.yml')}`, `--storage.tsdb.path=${join(dir, 'data')}`, `--web.listen-address=127.0.0.1:${port}`, '--log.level=warn'],
    { stdio: ['ignore', 'ignore', 'pipe'] },
  );
  let stderr = '';
  child.stderr!.setEncoding('utf8').on('data', (chunk: string) => (stderr = (stderr + chunk).slice(-4000)));
  const exited = new Promise<void>((done) => child.once('exit', () => done()));
  let running = true;
  void exited.then(() => (running = false));

  const deadline = Date.now() + 20_000;
  for (;;) {
    if (!running) throw new Error(`prometheus exited during start-up: ${stderr.trim().split('\n').slice(-3).join(' | ')}`);
    try {
      if ((await fetch(`${url}/-/ready`)).ok) break;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) throw new Error('prometheus did not become ready within 20 s');
    await new Promise((done) => setTimeout(done, 50));
  }

  return {
    url,
    setTargets(groups) {
      writeFileSync(`${targetsFile}.tmp`, JSON.stringify(groups));
      renameSync(`${targetsFile}.tmp`, targetsFile);
    },
    async scraped(pods, timeoutMs = 15_000) {
      const until = Date.now() + timeoutMs;
      for (;;) {
        const answer = (await (await fetch(`${url}/api/v1/targets?state=active`)).json()) as {
          data: { activeTargets: Array<{ labels: Record<string, string>; health: string }> };
        };
        const healthy = new Set(answer.data.activeTargets.filter((target) => target.health === 'up').map((target) => target.labels.pod));
        if (pods.every((pod) => healthy.has(pod))) return;
        if (Date.now() > until) throw new Error(`prometheus has not scraped ${pods.filter((pod) => !healthy.has(pod)).join(', ')} within ${timeoutMs} ms`);
        await new Promise((done) => setTimeout(done, 100));
      }
    },
    queried(count, timeoutMs = 60_000) {
      const answered = () => (existsSync(queryLog) ? readFileSync(queryLog, 'utf8').split('\n').filter(Boolean).length : 0);
      return new Promise((resolve, reject) => {
        const watcher = watch(dir);
        const finish = (outcome: () => void) => {
          clearTimeout(timer);
          watcher.close();
          outcome();
        };
        const timer = setTimeout(() => finish(() => reject(new Error(`prometheus ran ${answered()} of ${count} queries within ${timeoutMs} ms`))), timeoutMs);
        const check = () => {
          if (answered() >= count) finish(resolve);
        };
        watcher.on('change', check);
        check();
      });
    },
    async stop({ keepData = false } = {}) {
      if (running) {
        child.kill('SIGTERM');
        await exited;
      }
      if (!keepData) rmSync(dir, { recursive: true, force: true });
    },
  };
}
