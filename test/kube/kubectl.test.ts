/**
 * Real kubectl 1.32 against both Kubernetes targets (test/cluster/target.ts): the emulator and the
 * real control plane, the same commands and the same assertions. Everything is read back through
 * the API (kubectl itself), never from the emulator's store, so the real cluster is the oracle.
 * Where the two differ, the test says which side does what (see the emulator's "not emulated"
 * header in test/servers/kube/server.ts). `SUNDAY_KUBE_TARGETS=emulator` runs the emulator's half.
 */
import { jest } from '@jest/globals';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { kubeTargets, startTarget, type KubeTarget } from '../cluster/target.js';
import { deploymentManifest, httpGet, kubectlFor, outputOf, waitFor, writeManifest } from './helpers.js';

// The real tier's first test may wait for the shared cluster's start-up (or, on a fresh machine, its build).
jest.setTimeout(180_000);

/** An image only this suite uses, so its fault mode touches no other suite on the shared cluster. */
const STUCK_IMAGE = 'registry.local/kubectl-suite-stuck:v1';

describe.each(kubeTargets())('kubectl on the %s', (kind) => {
  let target: KubeTarget;
  let kubectl: ReturnType<typeof kubectlFor>['run'];
  let spawnKubectl: ReturnType<typeof kubectlFor>['spawn'];
  let dir: string;
  let ns: string;

  const manifest = (name: string, body: unknown) => writeManifest(dir, name, body);
  const json = async (args: string[]) => {
    const result = await kubectl([...args, '-o', 'json']);
    if (result.code !== 0) throw new Error(`kubectl ${args.join(' ')}: ${result.stderr}`);
    return JSON.parse(result.stdout);
  };
  // A real first rollout waits for scheduling, the node agent and the endpoint controllers.
  const rollout = (name: string) => kubectl(['rollout', 'status', `deployment/${name}`, '--timeout=60s'], undefined, 70_000);
  /** The body a Service answers once its endpoints have caught up (the real cluster's endpoints follow a change a moment later). */
  const serviceAnswers = async (service: string, body: string) => {
    const url = await target.serviceUrl(ns, service);
    return waitFor(`${service} to answer ${body.trim()}`, async () => ((await httpGet(url).catch(() => undefined))?.body === body ? body : undefined), 30_000);
  };
  const service = (name: string, app: string) => ({ apiVersion: 'v1', kind: 'Service', metadata: { name }, spec: { selector: { app }, ports: [{ port: 80, targetPort: 8080 }] } });

  beforeAll(async () => {
    target = await startTarget(kind, { pace: 0, secondMs: 50, faultImages: { [STUCK_IMAGE]: 'never-ready' } });
    if (kind === 'cluster') await target.setImageMode(STUCK_IMAGE, 'never-ready');
    dir = mkdtempSync(join(tmpdir(), `kube-kubectl-${kind}-`));
    ns = target.namespace('kubectl');
    await target.writeKubeconfig(join(dir, 'kubeconfig'), { namespace: ns });
    ({ run: kubectl, spawn: spawnKubectl } = kubectlFor(join(dir, 'kubeconfig')));
    expect((await kubectl(['create', 'namespace', ns])).stdout).toBe(`namespace/${ns} created\n`);
  });

  afterAll(async () => {
    await target?.cleanup();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  test('get, get -o json and -l selectors', async () => {
    const maps = [
      ['one', { tier: 'web', env: 'prod' }],
      ['two', { tier: 'web', env: 'dev' }],
      ['three', { tier: 'db' }],
    ].map(([name, labels]) => ({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name, labels }, data: { name } }));
    expect((await kubectl(['apply', '-f', manifest('maps.yaml', maps)])).code).toBe(0);
    const table = await kubectl(['get', 'configmaps']);
    expect(table.code).toBe(0);
    expect(table.stdout).toMatch(/^NAME\s+DATA\s+AGE\n/);
    expect(table.stdout).toMatch(/\nthree\s+1\s+\d+s\n/);

    expect(await json(['get', 'configmap', 'two'])).toMatchObject({ kind: 'ConfigMap', metadata: { name: 'two', labels: { env: 'dev' } }, data: { name: 'two' } });

    const names = async (selector: string) => (await kubectl(['get', 'cm', '-l', selector, '-o', 'name'])).stdout.trim().split('\n').filter(Boolean).sort();
    expect(await names('tier=web')).toEqual(['configmap/one', 'configmap/two']);
    expect(await names('tier=web,env!=prod')).toEqual(['configmap/two']);
    expect(await names('env in (prod,dev)')).toEqual(['configmap/one', 'configmap/two']);
    // `notin` also matches objects without the label: on the real cluster that is kube-root-ca.crt too.
    expect(await names('tier,tier notin (web)')).toEqual(['configmap/three']);
    expect(await names('env')).toEqual(['configmap/one', 'configmap/two']);
    expect(await names('tier,!env')).toEqual(['configmap/three']);

    const missing = await kubectl(['get', 'deployment', 'nope']);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toContain('Error from server (NotFound): deployments.apps "nope" not found');
  });

  test('every namespace gets the kube-root-ca.crt ConfigMap on the real cluster only (a difference the emulator names)', async () => {
    const rootCa = await kubectl(['get', 'configmap', 'kube-root-ca.crt', '-o', 'jsonpath={.data.ca\\.crt}']);
    if (kind === 'cluster') {
      // The controller-manager's root-ca-certificate-publisher writes it a moment after the namespace.
      const published = await waitFor('kube-root-ca.crt', async () => ((await kubectl(['get', 'configmap', 'kube-root-ca.crt', '-o', 'jsonpath={.data.ca\\.crt}'])).stdout || undefined), 30_000);
      expect(published.trim()).toBe(target.caCert!.trim());
    } else {
      expect(rootCa.code).toBe(1);
      expect(rootCa.stderr).toContain('configmaps "kube-root-ca.crt" not found');
    }
  });

  test('create namespace (a protobuf body) and create configmap --dry-run=server', async () => {
    const staging = target.namespace('staging');
    const created = await kubectl(['create', 'namespace', staging]);
    expect(created.stdout).toBe(`namespace/${staging} created\n`);
    expect((await json(['get', 'namespace', staging])).status).toEqual({ phase: 'Active' });
    expect((await target.requests()).some((r) => r.verb === 'create' && r.path.split('?')[0] === '/api/v1/namespaces' && r.contentType === 'application/vnd.kubernetes.protobuf')).toBe(true);
    const again = await kubectl(['create', 'namespace', staging]);
    expect(again.stderr).toContain(`Error from server (AlreadyExists): namespaces "${staging}" already exists`);

    const dryRun = await kubectl(['create', 'configmap', 'ghost', '-n', staging, '--from-literal=a=b', '--dry-run=server']);
    expect(dryRun.stdout).toContain('configmap/ghost created (server dry run)');
    const ghost = await kubectl(['get', 'configmap', 'ghost', '-n', staging]);
    expect(ghost.code).toBe(1);
    expect(ghost.stderr).toContain('configmaps "ghost" not found');
  });

  test('apply -f, rollout status, apply again, and real traffic through the Service', async () => {
    const path = manifest('web.yaml', [deploymentManifest('web', 'registry.local/web:v1'), service('web', 'web')]);
    const applied = await kubectl(['apply', '-f', path]);
    expect(applied.stdout).toBe('deployment.apps/web created\nservice/web created\n');
    const status = await rollout('web');
    expect(status.stdout).toContain('deployment "web" successfully rolled out');
    expect(await serviceAnswers('web', 'v1\n')).toBe('v1\n');

    manifest('web.yaml', [deploymentManifest('web', 'registry.local/web:v2'), service('web', 'web')]);
    const reapplied = await kubectl(['apply', '-f', path]);
    expect(reapplied.stdout).toBe('deployment.apps/web configured\nservice/web unchanged\n');
    expect((await rollout('web')).code).toBe(0);
    expect(await serviceAnswers('web', 'v2\n')).toBe('v2\n');

    const deployment = await json(['get', 'deployment', 'web']);
    expect(deployment.status).toMatchObject({ observedGeneration: 2, replicas: 2, updatedReplicas: 2, readyReplicas: 2, availableReplicas: 2 });
    expect(deployment.status.conditions.map((c: { type: string; reason: string }) => `${c.type}=${c.reason}`)).toEqual(['Available=MinimumReplicasAvailable', 'Progressing=NewReplicaSetAvailable']);
    const sets = (await json(['get', 'rs', '-l', 'app=web'])).items;
    expect(sets.map((rs: { spec: { replicas: number } }) => rs.spec.replicas).sort()).toEqual([0, 2]);
    expect(sets.every((rs: { metadata: { labels: Record<string, string> } }) => /^[a-z0-9]{6,10}$/.test(rs.metadata.labels['pod-template-hash']))).toBe(true);
  });

  test('patch as merge, JSON and strategic merge; scale', async () => {
    expect((await kubectl(['patch', 'deployment', 'web', '--type=merge', '-p', '{"metadata":{"labels":{"team":"blue"}}}'])).stdout).toBe('deployment.apps/web patched\n');
    expect((await kubectl(['patch', 'deployment', 'web', '--type=json', '-p', '[{"op":"add","path":"/metadata/annotations/owner","value":"ops"}]'])).code).toBe(0);
    const strategic = await kubectl(['patch', 'deployment', 'web', '-p', '{"spec":{"template":{"spec":{"containers":[{"name":"app","env":[{"name":"MODE","value":"fast"}]}]}}}}']);
    expect(strategic.code).toBe(0);
    const scaled = await kubectl(['scale', 'deployment/web', '--replicas=3']);
    expect(scaled.stdout).toBe('deployment.apps/web scaled\n');
    const live = await json(['get', 'deployment', 'web']);
    expect(live.metadata.labels).toEqual({ app: 'web', team: 'blue' });
    expect(live.metadata.annotations.owner).toBe('ops');
    // The strategic merge patch merged into the container named app, keeping its image and ports.
    expect(live.spec.template.spec.containers).toHaveLength(1);
    expect(live.spec.template.spec.containers[0]).toMatchObject({ name: 'app', image: 'registry.local/web:v2', env: [{ name: 'MODE', value: 'fast' }], ports: [{ containerPort: 8080 }] });
    expect(live.spec.replicas).toBe(3);
    expect((await rollout('web')).code).toBe(0);
    const badPatch = await kubectl(['patch', 'deployment', 'web', '--type=json', '-p', '[{"op":"test","path":"/spec/replicas","value":9}]']);
    expect(badPatch.code).toBe(1);
    // kube-apiserver does not say which operation failed: a 422 with a generic message.
    expect(badPatch.stderr).toBe('The request is invalid: the server rejected our request due to an error in our request\n');
    // Replacing a key that is not there adds it (the API server's JSON patch library allows it).
    expect((await kubectl(['patch', 'deployment', 'web', '--type=json', '-p', '[{"op":"replace","path":"/metadata/annotations/added-by-replace","value":"yes"}]'])).code).toBe(0);
    expect((await json(['get', 'deployment', 'web'])).metadata.annotations['added-by-replace']).toBe('yes');
  });

  test('apply --server-side over a client-side apply takes over the last-applied fields still as applied; fields changed since by others conflict', async () => {
    // `kubectl scale` set .spec.replicas to 3 after the client-side apply of 2: the API server hands
    // over only last-applied fields whose live value is still the applied one, so replicas conflicts
    // with the scale subresource's writer.
    const twoReplicas = manifest('web-ssa-2.yaml', deploymentManifest('web', 'registry.local/web:v2', { replicas: 2 }));
    const scaled = await kubectl(['apply', '--server-side', '-f', twoReplicas]);
    expect(scaled.code).toBe(1);
    expect(scaled.stderr).toContain('Apply failed with 1 conflict: conflict with "kubectl" with subresource "scale" using apps/v1: .spec.replicas');
    // The image is still as last applied: taken over, and changed, without a conflict.
    const path = manifest('web-ssa.yaml', deploymentManifest('web', 'registry.local/web:v3', { replicas: 3 }));
    expect((await kubectl(['apply', '--server-side', '-f', path])).stdout).toBe('deployment.apps/web serverside-applied\n');
    // The label `team` came from `kubectl patch` and was never in the last-applied configuration.
    const relabelled = deploymentManifest('web', 'registry.local/web:v3', { replicas: 3 });
    const labelled = manifest('web-ssa-label.yaml', { ...relabelled, metadata: { name: 'web', labels: { app: 'web', team: 'red' } } });
    const conflict = await kubectl(['apply', '--server-side', '-f', labelled]);
    expect(conflict.code).toBe(1);
    expect(conflict.stderr).toContain('Apply failed with 1 conflict: conflict with "kubectl-patch" using apps/v1: .metadata.labels.team');
    const forced = await kubectl(['apply', '--server-side', '--force-conflicts', '-f', labelled]);
    expect(forced.stdout).toBe('deployment.apps/web serverside-applied\n');
    const live = await json(['get', 'deployment', 'web', '--show-managed-fields']);
    expect(live.spec.replicas).toBe(3);
    expect(live.spec.template.spec.containers[0].image).toBe('registry.local/web:v3');
    expect(live.metadata.labels.team).toBe('red');
    const managers = live.metadata.managedFields.map((m: { manager: string; operation: string; subresource?: string }) => `${m.manager}/${m.operation}${m.subresource ? `/${m.subresource}` : ''}`);
    expect(managers).toEqual(expect.arrayContaining(['kubectl/Apply', 'kubectl/Update/scale']));
  });

  test('rollout status fails once a never-ready Deployment exceeds its progress deadline', async () => {
    // 4 API seconds: 0.2 s on the emulator (secondMs 50), 4 s on the real cluster.
    const path = manifest('stuck.yaml', deploymentManifest('stuck', STUCK_IMAGE, { replicas: 1, progressDeadlineSeconds: 4 }));
    expect((await kubectl(['apply', '-f', path])).code).toBe(0);
    const status = await kubectl(['rollout', 'status', 'deployment/stuck', '--timeout=60s'], undefined, 70_000);
    expect(status.code).toBe(1);
    expect(status.stderr).toContain('error: deployment "stuck" exceeded its progress deadline');
    const conditions = (await json(['get', 'deployment', 'stuck'])).status.conditions;
    expect(conditions).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ type: 'Progressing', status: 'False', reason: 'ProgressDeadlineExceeded' }),
        expect.objectContaining({ type: 'Available', status: 'False', reason: 'MinimumReplicasUnavailable' }),
      ]),
    );
  });

  test('create job --from=cronjob/database-backup, then wait --for=condition=complete', async () => {
    const path = manifest('cron.yaml', {
      apiVersion: 'batch/v1',
      kind: 'CronJob',
      metadata: { name: 'database-backup' },
      spec: {
        schedule: '0 3 * * *',
        jobTemplate: {
          spec: {
            backoffLimit: 1,
            template: { spec: { restartPolicy: 'OnFailure', containers: [{ name: 'backup', image: 'registry.local/backup:2024.1', args: ['--all'], env: [{ name: 'TARGET', value: 's3' }] }] } },
          },
        },
      },
    });
    expect((await kubectl(['apply', '-f', path])).code).toBe(0);
    const created = await kubectl(['create', 'job', 'backup-manual', '--from=cronjob/database-backup']);
    expect(created.stdout).toBe('job.batch/backup-manual created\n');
    const waited = await kubectl(['wait', '--for=condition=complete', 'job/backup-manual', '--timeout=60s'], undefined, 70_000);
    expect(waited.stdout).toBe('job.batch/backup-manual condition met\n');
    const job = await json(['get', 'job', 'backup-manual']);
    const cron = await json(['get', 'cronjob', 'database-backup']);
    expect(job.metadata.ownerReferences?.[0]).toMatchObject({ kind: 'CronJob', name: 'database-backup', uid: cron.metadata.uid });
    expect(job.spec.template.spec.containers[0]).toMatchObject({ image: 'registry.local/backup:2024.1', args: ['--all'], env: [{ name: 'TARGET', value: 's3' }] });
    expect(job.spec.template.spec.restartPolicy).toBe('OnFailure');
    expect(job.status).toMatchObject({ succeeded: 1 });
  });

  test('get -w sees a change; switching a Service selector switches traffic; delete', async () => {
    const blueGreen = manifest('colors.yaml', [
      deploymentManifest('blue', 'registry.local/shop:1.0.0', { replicas: 1, labels: { role: 'shop' } }),
      deploymentManifest('green', 'registry.local/shop:1.1.0', { replicas: 1, labels: { role: 'shop' } }),
      service('shop', 'blue'),
    ]);
    expect((await kubectl(['apply', '-f', blueGreen])).code).toBe(0);
    expect((await rollout('blue')).code).toBe(0);
    expect((await rollout('green')).code).toBe(0);
    expect(await serviceAnswers('shop', '1.0.0\n')).toBe('1.0.0\n');

    const watcher = spawnKubectl(['get', 'service', 'shop', '-w', '-o', 'jsonpath={.spec.selector.app}{"\\n"}']);
    const watched = outputOf(watcher);
    try {
      await watched.until('blue\n', 20_000);
      expect((await kubectl(['patch', 'service', 'shop', '-p', '{"spec":{"selector":{"app":"green"}}}'])).code).toBe(0);
      await watched.until('blue\ngreen\n', 20_000);
    } finally {
      watcher.kill();
    }
    // New connections go to the pods the new selector picks: at once on the emulator, once the
    // endpoint controllers have caught up on the real cluster.
    expect(await serviceAnswers('shop', '1.1.0\n')).toBe('1.1.0\n');
    const proxied = await waitFor('the API server proxy to reach green', async () => {
      const answer = await kubectl(['get', '--raw', `/api/v1/namespaces/${ns}/services/shop:80/proxy/healthz`]);
      return answer.stdout === '1.1.0\n' ? answer.stdout : undefined;
    }, 30_000);
    expect(proxied).toBe('1.1.0\n');

    expect((await kubectl(['set', 'image', 'deployment/green', 'app=registry.local/shop:1.2.0'])).code).toBe(0);
    expect((await rollout('green')).code).toBe(0);
    expect(await serviceAnswers('shop', '1.2.0\n')).toBe('1.2.0\n');
    expect((await kubectl(['rollout', 'undo', 'deployment/green'])).stdout).toBe('deployment.apps/green rolled back\n');
    expect((await rollout('green')).code).toBe(0);
    expect(await serviceAnswers('shop', '1.1.0\n')).toBe('1.1.0\n');

    const deleted = await kubectl(['delete', 'deployment', 'blue']);
    expect(deleted.stdout).toBe('deployment.apps "blue" deleted\n');
    // Owner references are collected: the ReplicaSet and pods of blue go too.
    const listed = async (resource: string) => (await kubectl(['get', resource, '-l', 'app=blue', '-o', 'name'])).stdout.trim();
    await waitFor('blue pods to go', async () => ((await listed('pods')) === '' ? true : undefined), 60_000);
    expect(await listed('replicasets')).toBe('');
    expect((await kubectl(['get', 'deployment', 'blue'])).code).toBe(1);
  });
});
