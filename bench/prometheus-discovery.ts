/**
 * How long a real Prometheus (Debian's 2.42, as the analysis tests start it) takes from a file_sd
 * change to the first scrape of the new target: the floor under every analysis's `initial-delay`
 * in the tests, since a new pod's series need that plus a second scrape before rate() has data.
 *
 *   npx tsx bench/prometheus-discovery.ts --runs 8
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { HttpMetrics, METRICS_CONTENT_TYPE } from '../test/servers/metrics.js';
import { startPrometheus } from '../test/servers/prometheus/server.js';
import { machineLoad, median, numberArg } from './measure.js';

const runs = numberArg('runs', 8);
const metrics = new HttpMetrics();
const pod = createServer((_request, response) => void response.writeHead(200, { 'content-type': METRICS_CONTENT_TYPE }).end(metrics.render()));
await new Promise<void>((listening) => pod.listen(0, '127.0.0.1', listening));
const target = `127.0.0.1:${(pod.address() as AddressInfo).port}`;
const prometheus = await startPrometheus({ scrapeIntervalMs: 1000 });
const delays: number[] = [];
try {
  for (let run = 0; run < runs; run++) {
    const started = performance.now();
    // A new pod label each time: a new target to Prometheus, as a new pod is.
    prometheus.setTargets([{ targets: [target], labels: { namespace: 'bench', pod: `web-blue-${run}`, color: 'blue' } }]);
    await prometheus.scraped([`web-blue-${run}`], 30_000);
    delays.push(performance.now() - started);
  }
} finally {
  await prometheus.stop();
  pod.close();
}
console.log(machineLoad());
console.log(`file_sd write → first scrape, ${runs} runs: median ${Math.round(median(delays))} ms, min ${Math.round(Math.min(...delays))} ms, max ${Math.round(Math.max(...delays))} ms`);
