/** The emulator's pure parts: faults, patches, selectors, field ownership, protobuf decoding, certificates. Emulator only: units without a server (their behaviour against kube-apiserver is in kubectl.test.ts). */
import { X509Certificate } from 'node:crypto';
import { errors } from '../servers/kube/errors.js';
import { Faults } from '../servers/kube/faults.js';
import { fieldSetOf, serverSideApply, recordUpdate } from '../servers/kube/managed-fields.js';
import { jsonPatch, mergePatch, strategicMergePatch } from '../servers/kube/patch.js';
import { imageTag } from '../servers/kube/pods.js';
import { decodeProtobufObject } from '../servers/kube/protobuf.js';
import { findType } from '../servers/kube/resources.js';
import { labelSelectorMatcher, parseFieldSelector, parseLabelSelector } from '../servers/kube/selectors.js';
import { generateServingCertificates } from '../servers/kube/tls.js';
import type { Json, KubeObject } from '../servers/kube/types.js';

test('strategic merge patch merges containers, env, ports and volumes by their keys and honours directives', () => {
  const live = {
    spec: {
      containers: [
        { name: 'app', image: 'a:1', env: [{ name: 'A', value: '1' }, { name: 'B', value: '2' }], ports: [{ containerPort: 80 }] },
        { name: 'sidecar', image: 's:1' },
      ],
      volumes: [{ name: 'data', emptyDir: {} }],
      tolerations: [{ key: 'x' }],
    },
  };
  const patched = strategicMergePatch(live as unknown as Json, {
    spec: {
      containers: [
        { name: 'app', image: 'a:2', env: [{ name: 'B', $patch: 'delete' }, { name: 'C', value: '3' }], ports: [{ containerPort: 81 }] },
        { name: 'sidecar', $patch: 'delete' },
      ],
      volumes: [{ name: 'cache', emptyDir: {} }],
      tolerations: [{ key: 'y' }],
      '$setElementOrder/containers': [{ name: 'app' }],
    },
  }) as { spec: Record<string, unknown> };
  expect(patched.spec.containers).toEqual([
    { name: 'app', image: 'a:2', env: [{ name: 'A', value: '1' }, { name: 'C', value: '3' }], ports: [{ containerPort: 80 }, { containerPort: 81 }] },
  ]);
  expect(patched.spec.volumes).toEqual([{ name: 'data', emptyDir: {} }, { name: 'cache', emptyDir: {} }]);
  expect(patched.spec.tolerations).toEqual([{ key: 'y' }]); // no merge key: replaced
  expect(strategicMergePatch({ spec: { ports: [{ port: 80, name: 'a' }] } }, { spec: { ports: [{ port: 80, name: 'b' }] } })).toEqual({ spec: { ports: [{ port: 80, name: 'b' }] } });
  expect(strategicMergePatch({ a: { b: 1, c: 2 } }, { a: { $patch: 'replace', d: 3 } })).toEqual({ a: { d: 3 } });
  expect(strategicMergePatch({ s: { type: 'RollingUpdate', rollingUpdate: {} } }, { s: { type: 'Recreate', $retainKeys: ['type'] } })).toEqual({ s: { type: 'Recreate' } });
});

test('JSON merge patch and JSON patch', () => {
  expect(mergePatch({ a: 1, b: { c: 2, d: 3 }, l: [1, 2] }, { a: null, b: { c: 9 }, l: [3] })).toEqual({ b: { c: 9, d: 3 }, l: [3] });
  const doc = { metadata: { labels: { 'a/b': 'x' } }, list: [1, 2, 3] };
  expect(
    jsonPatch(doc, [
      { op: 'test', path: '/metadata/labels/a~1b', value: 'x' },
      { op: 'replace', path: '/metadata/labels/a~1b', value: 'y' },
      { op: 'add', path: '/list/-', value: 4 },
      { op: 'remove', path: '/list/0' },
      { op: 'copy', from: '/list/0', path: '/first' },
      { op: 'move', from: '/first', path: '/moved' },
    ]),
  ).toEqual({ metadata: { labels: { 'a/b': 'y' } }, list: [2, 3, 4], moved: 2 });
  // As kube-apiserver: a 422 with a generic message; why is only in the cause.
  const failure = (patch: Parameters<typeof jsonPatch>[1]) => {
    try {
      jsonPatch(doc, patch);
    } catch (error) {
      const { code, message, cause } = error as { code: number; message: string; cause: string };
      return { code, message, cause };
    }
    throw new Error('the patch applied');
  };
  const generic = 'the server rejected our request due to an error in our request';
  expect(failure([{ op: 'test', path: '/list/0', value: 9 }])).toEqual({ code: 422, message: generic, cause: expect.stringMatching(/test failed/) });
  expect(failure([{ op: 'replace', path: '/nope/x', value: 1 }])).toEqual({ code: 422, message: generic, cause: expect.stringMatching(/missing path/) });
  expect(failure([{ op: 'replace', path: '/list/3', value: 1 }])).toEqual({ code: 422, message: generic, cause: expect.stringMatching(/missing path/) });
  // Replacing a missing object key adds it, as the API server's JSON patch library does.
  expect(jsonPatch(doc, [{ op: 'replace', path: '/metadata/labels/new', value: 'z' }])).toMatchObject({ metadata: { labels: { new: 'z' } } });
});

test('label and field selectors', () => {
  const labels = { app: 'web', tier: 'front' };
  const cases: [string, boolean][] = [
    ['app=web', true],
    ['app==web,tier!=back', true],
    ['app in (api, web),tier notin (back)', true],
    ['app notin (web)', false],
    ['tier', true],
    ['!tier', false],
    ['', true],
  ];
  for (const [selector, expected] of cases) expect([selector, parseLabelSelector(selector)(labels)]).toEqual([selector, expected]);
  expect(() => parseLabelSelector('app in web')).toThrow();
  expect(labelSelectorMatcher({ matchLabels: { app: 'web' }, matchExpressions: [{ key: 'tier', operator: 'In', values: ['front'] }] })(labels)).toBe(true);
  const object = { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p', namespace: 'ns' }, status: { phase: 'Running' } } as KubeObject;
  expect(parseFieldSelector('metadata.name=p,metadata.namespace!=other,status.phase=Running')(object)).toBe(true);
  expect(parseFieldSelector('metadata.name=q')(object)).toBe(false);
});

test('field ownership: updates take the fields they change; apply conflicts unless forced', () => {
  const type = findType('', 'v1', 'configmaps')!;
  const created = { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'c', labels: { a: '1' } }, data: { x: '1' } } as KubeObject;
  recordUpdate(undefined, created, 'creator');
  expect(created.metadata.managedFields?.[0]).toMatchObject({ manager: 'creator', operation: 'Update', fieldsV1: { 'f:data': { 'f:x': {} }, 'f:metadata': { 'f:labels': { 'f:a': {} } } } });
  const changed = structuredClone(created);
  changed.data = { x: '2' };
  recordUpdate(created, changed, 'editor');
  expect(changed.metadata.managedFields?.map((m) => m.manager)).toEqual(['creator', 'editor']);
  expect(() => serverSideApply(changed, { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'c' }, data: { x: '3' } }, { manager: 'applier', force: false, type, name: 'c' })).toThrow(
    errors.applyConflict(type, 'c', [{ manager: 'editor', apiVersion: 'v1', field: '.data.x' }]).message,
  );
  const forced = serverSideApply(changed, { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'c' }, data: { x: '3' } }, { manager: 'applier', force: true, type, name: 'c' });
  expect(forced.data).toEqual({ x: '3' });
  expect(forced.metadata.managedFields?.map((m) => `${m.manager}/${m.operation}`)).toEqual(['creator/Update', 'applier/Apply']);
  expect([...fieldSetOf({ spec: { containers: [{ name: 'a', image: 'i' }] } } as Json)]).toEqual(['["f:spec","f:containers","k:{\\"name\\":\\"a\\"}"]', '["f:spec","f:containers","k:{\\"name\\":\\"a\\"}","f:name"]', '["f:spec","f:containers","k:{\\"name\\":\\"a\\"}","f:image"]']);
});

/** Protobuf writer for the test: length-delimited fields only, as in the bodies kubectl sends for strings and messages. */
function field(number: number, content: Buffer | string): Buffer {
  const bytes = Buffer.isBuffer(content) ? content : Buffer.from(content);
  return Buffer.concat([Buffer.from([(number << 3) | 2, bytes.length]), bytes]);
}

test('protobuf: a Namespace in the k8s envelope decodes to its JSON form', () => {
  const meta = Buffer.concat([field(1, 'staging'), field(2, ''), field(11, Buffer.concat([field(1, 'team'), field(2, 'blue')]))]);
  const namespace = Buffer.concat([field(1, meta), field(2, field(1, 'kubernetes'))]);
  const envelope = Buffer.concat([Buffer.from('k8s\0'), field(1, Buffer.concat([field(1, 'v1'), field(2, 'Namespace')])), field(2, namespace)]);
  expect(decodeProtobufObject(envelope)).toEqual({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'staging', labels: { team: 'blue' } }, spec: { finalizers: ['kubernetes'] } });
  const unknown = Buffer.concat([Buffer.from('k8s\0'), field(1, Buffer.concat([field(1, 'v1'), field(2, 'Pod')])), field(2, '')]);
  expect(() => decodeProtobufObject(unknown)).toThrow(/unknown format/);
});

test('a serving certificate for 127.0.0.1 signed by the generated CA', () => {
  const { caCert, cert } = generateServingCertificates();
  const ca = new X509Certificate(caCert);
  const leaf = new X509Certificate(cert);
  expect(ca.ca).toBe(true);
  expect(leaf.verify(ca.publicKey)).toBe(true);
  expect(leaf.checkIP('127.0.0.1')).toBe('127.0.0.1');
  expect(leaf.checkHost('localhost')).toBe('localhost');
});

test('image tags are the pods\' versions', () => {
  expect(imageTag('registry:5000/team/web:v2')).toBe('v2');
  expect(imageTag('web')).toBe('latest');
  expect(imageTag('registry:5000/web:1.2@sha256:abc')).toBe('1.2');
});

test("clearing one owner's faults leaves the others' (suites share the real cluster's fault proxy)", () => {
  const faults = new Faults();
  faults.add({ path: '/namespaces/a/', owner: 'suite-a', count: 5 });
  faults.add({ path: '/namespaces/b/', owner: 'suite-b', count: 5 });
  faults.clear('suite-a');
  expect(faults.take('get', 'GET', '/api/v1/namespaces/a/pods')).toBeUndefined();
  expect(faults.take('get', 'GET', '/api/v1/namespaces/b/pods')).toMatchObject({ kind: 'error' });
  faults.clear();
  expect(faults.take('get', 'GET', '/api/v1/namespaces/b/pods')).toBeUndefined();
});
