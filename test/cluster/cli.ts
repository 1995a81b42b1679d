/**
 * `npm run cluster -- --kubeconfig <path> [--state <file>]`: builds the binaries when the cache
 * lacks them, starts the real control plane, writes a kubeconfig with contexts `admin` (current)
 * and `deployer`, prints one line `ready <server-url>`, and on SIGTERM or SIGINT stops every
 * process it started and removes its data folder. `--state` also writes `{pid, url, kubeconfig}`
 * as JSON once ready (how a test run finds a cluster another process started).
 */
import { writeFileSync, renameSync } from 'node:fs';
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { buildControlPlane } from './build/build.js';
import { startCluster } from './cluster.js';

function fail(message: string): never {
  process.stderr.write(`::error::cluster: ${message}\n`);
  process.exit(2);
}

let values: { kubeconfig?: string; state?: string; verbose?: boolean };
try {
  ({ values } = parseArgs({ options: { kubeconfig: { type: 'string' }, state: { type: 'string' }, verbose: { type: 'boolean', default: false } }, strict: true }));
} catch (error) {
  fail((error as Error).message);
}
if (!values.kubeconfig) fail('--kubeconfig <path> is required (where to write the kubeconfig)');
if (process.getuid?.() !== 0) fail('needs root: the pod network is a network namespace with a veth pair');
const kubeconfigPath = resolve(values.kubeconfig);
const log = (line: string) => values.verbose && process.stderr.write(`cluster: ${line}\n`);

try {
  await buildControlPlane({ log: (line) => process.stderr.write(`cluster: ${line}\n`) });
  const cluster = await startCluster({ log });
  let stopping = false;
  const shutdown = () => {
    if (stopping) return;
    stopping = true;
    void cluster.stop().then(
      () => process.exit(0),
      (error: Error) => fail(`stopping: ${error.message}`),
    );
  };
  process.once('SIGTERM', shutdown);
  process.once('SIGINT', shutdown);
  await cluster.writeKubeconfig(kubeconfigPath);
  if (values.state) {
    // Written whole, then renamed: a reader never sees half a file.
    writeFileSync(`${values.state}.tmp`, JSON.stringify({ pid: process.pid, url: cluster.url, kubeconfig: kubeconfigPath, timings: cluster.timings }));
    renameSync(`${values.state}.tmp`, values.state);
  }
  process.stdout.write(`ready ${cluster.url}\n`);
} catch (error) {
  fail((error as Error).message);
}
