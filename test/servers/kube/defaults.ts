/** What the API server fills in on create (defaulting) and what it refuses (validation, 422 Invalid). */
import { randomUUID } from 'node:crypto';
import { errors } from './errors.js';
import { groupVersion, type ResourceType } from './resources.js';
import { labelSelectorMatcher } from './selectors.js';
import { deepEqual, isPlainObject, timestamp, type KubeObject } from './types.js';

const SUFFIX_ALPHABET = 'bcdfghjklmnpqrstvwxz2456789';

/** Random name suffixes as the API server and controllers make them (`web-7d4b9c8f5d-x2kqp`). */
export function randomSuffix(length = 5): string {
  let out = '';
  for (let i = 0; i < length; i++) out += SUFFIX_ALPHABET[Math.floor(Math.random() * SUFFIX_ALPHABET.length)];
  return out;
}

const DNS_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
const DNS_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- pod specs are free-form JSON
type PodSpec = any;

/** Like isPlainObject, without narrowing `any` (the JSON shapes here are read field by field). */
function isObject(value: unknown): boolean {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function defaultPodSpec(spec: PodSpec, restartPolicy = 'Always'): void {
  if (!isObject(spec)) return;
  spec.restartPolicy ??= restartPolicy;
  spec.terminationGracePeriodSeconds ??= 30;
  spec.dnsPolicy ??= 'ClusterFirst';
  spec.schedulerName ??= 'default-scheduler';
  spec.securityContext ??= {};
  for (const container of [...(spec.containers ?? []), ...(spec.initContainers ?? [])]) {
    if (!isPlainObject(container)) continue;
    const image = String(container.image ?? '');
    container.imagePullPolicy ??= /:[^/]+$/.test(image) && !image.endsWith(':latest') ? 'IfNotPresent' : 'Always';
    container.terminationMessagePath ??= '/dev/termination-log';
    container.terminationMessagePolicy ??= 'File';
    container.resources ??= {};
    for (const port of Array.isArray(container.ports) ? container.ports : []) if (isPlainObject(port)) port.protocol ??= 'TCP';
  }
}

let nextClusterIp = 10;

/** Fills in what the API server defaults on create. `object.metadata` must already carry name and namespace. */
export function applyCreateDefaults(type: ResourceType, object: KubeObject): void {
  object.apiVersion = groupVersion(type);
  object.kind = type.kind;
  const meta = object.metadata;
  meta.uid = randomUUID();
  meta.creationTimestamp = timestamp();
  if (type.hasGeneration) meta.generation = 1;
  delete meta.resourceVersion;
  delete meta.deletionTimestamp;
  const spec = object.spec;
  switch (type.kind) {
    case 'Namespace':
      object.spec = { finalizers: ['kubernetes'], ...spec };
      object.status = { phase: 'Active' };
      meta.labels = { ...meta.labels, 'kubernetes.io/metadata.name': meta.name! };
      break;
    case 'Service': {
      object.spec = spec ?? {};
      const s = object.spec;
      s.type ??= 'ClusterIP';
      if (s.clusterIP === undefined && s.type !== 'ExternalName') {
        const n = nextClusterIp++;
        s.clusterIP = `10.96.${Math.floor(n / 250)}.${n % 250}`;
        s.clusterIPs = [s.clusterIP];
      }
      s.sessionAffinity ??= 'None';
      s.ipFamilies ??= ['IPv4'];
      s.ipFamilyPolicy ??= 'SingleStack';
      s.internalTrafficPolicy ??= 'Cluster';
      for (const port of Array.isArray(s.ports) ? s.ports : []) {
        port.protocol ??= 'TCP';
        port.targetPort ??= port.port;
      }
      object.status = { loadBalancer: {} };
      break;
    }
    case 'Pod':
      defaultPodSpec(spec);
      object.status = { phase: 'Pending', qosClass: 'BestEffort' };
      break;
    case 'Deployment':
      if (isObject(spec)) {
        spec.replicas ??= 1;
        spec.revisionHistoryLimit ??= 10;
        spec.progressDeadlineSeconds ??= 600;
        spec.strategy ??= { type: 'RollingUpdate', rollingUpdate: { maxSurge: '25%', maxUnavailable: '25%' } };
        defaultPodSpec(spec.template?.spec);
      }
      object.status = {};
      break;
    case 'ReplicaSet':
      if (isObject(spec)) {
        spec.replicas ??= 1;
        defaultPodSpec(spec.template?.spec);
      }
      object.status = { replicas: 0 };
      break;
    case 'Job':
      if (isObject(spec)) defaultJobSpec(spec, meta.uid, meta.name!);
      object.status = {};
      break;
    case 'CronJob':
      if (isObject(spec)) {
        spec.concurrencyPolicy ??= 'Allow';
        spec.suspend ??= false;
        spec.successfulJobsHistoryLimit ??= 3;
        spec.failedJobsHistoryLimit ??= 1;
      }
      object.status = {};
      break;
    case 'Secret':
      object.type ??= 'Opaque';
      break;
  }
  foldStringData(object);
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- a JobSpec as JSON
function defaultJobSpec(spec: any, uid: string, name: string): void {
  spec.parallelism ??= 1;
  spec.completions ??= 1;
  spec.backoffLimit ??= 6;
  spec.completionMode ??= 'NonIndexed';
  spec.suspend ??= false;
  spec.podReplacementPolicy ??= 'TerminatingOrFailed';
  const jobLabels = { 'batch.kubernetes.io/controller-uid': uid, 'batch.kubernetes.io/job-name': name, 'controller-uid': uid, 'job-name': name };
  if (!spec.manualSelector) spec.selector ??= { matchLabels: { 'batch.kubernetes.io/controller-uid': uid } };
  spec.template ??= {};
  spec.template.metadata = { ...spec.template.metadata, labels: { ...spec.template.metadata?.labels, ...jobLabels } };
  defaultPodSpec(spec.template.spec, 'Never');
}

/** A Secret's `stringData` is write-only: the API server folds it into `data`, base64-encoded. */
export function foldStringData(object: KubeObject): void {
  if (object.kind !== 'Secret' || !isPlainObject(object.stringData)) return;
  const data: Record<string, string> = { ...(object.data as Record<string, string> | undefined) };
  for (const [key, value] of Object.entries(object.stringData)) data[key] = Buffer.from(String(value)).toString('base64');
  object.data = data;
  delete object.stringData;
}

interface Cause {
  field: string;
  message: string;
  reason?: string;
}

function checkName(type: ResourceType, name: string | undefined, causes: Cause[]): void {
  const label = ['Namespace', 'Service'].includes(type.kind);
  const pattern = label ? DNS_LABEL : DNS_SUBDOMAIN;
  if (!name) causes.push({ field: 'metadata.name', message: 'Required value: name or generateName is required', reason: 'FieldValueRequired' });
  else if (!pattern.test(name) || name.length > (label ? 63 : 253)) {
    causes.push({
      field: 'metadata.name',
      message: `Invalid value: ${JSON.stringify(name)}: a lowercase RFC 1123 ${label ? 'label' : 'subdomain'} must consist of lower case alphanumeric characters, '-'${label ? '' : " or '.'"}, and must start and end with an alphanumeric character`,
    });
  }
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- a PodTemplateSpec as JSON
function checkPodTemplate(path: string, podSpec: any, causes: Cause[]): void {
  const containers = podSpec?.containers;
  if (!Array.isArray(containers) || containers.length === 0) {
    causes.push({ field: `${path}.containers`, message: 'Required value', reason: 'FieldValueRequired' });
    return;
  }
  containers.forEach((c, i) => {
    if (!c?.name) causes.push({ field: `${path}.containers[${i}].name`, message: 'Required value', reason: 'FieldValueRequired' });
    if (!c?.image) causes.push({ field: `${path}.containers[${i}].image`, message: 'Required value', reason: 'FieldValueRequired' });
  });
}

/** Checks an object before it is stored; throws 422 Invalid with one cause per problem. */
export function validate(type: ResourceType, object: KubeObject, live?: KubeObject): void {
  const causes: Cause[] = [];
  checkName(type, object.metadata.name, causes);
  const spec = object.spec;
  switch (type.kind) {
    case 'Deployment':
    case 'ReplicaSet': {
      if (!spec?.selector) causes.push({ field: 'spec.selector', message: 'Required value', reason: 'FieldValueRequired' });
      else if (!labelSelectorMatcher(spec.selector)(spec.template?.metadata?.labels)) {
        causes.push({ field: 'spec.template.metadata.labels', message: `Invalid value: ${JSON.stringify(spec.template?.metadata?.labels ?? {})}: \`selector\` does not match template \`labels\`` });
      }
      if (typeof spec?.replicas === 'number' && spec.replicas < 0) causes.push({ field: 'spec.replicas', message: `Invalid value: ${spec.replicas}: must be greater than or equal to 0` });
      checkPodTemplate('spec.template.spec', spec?.template?.spec, causes);
      if (live && !deepEqual(live.spec?.selector, spec?.selector)) causes.push({ field: 'spec.selector', message: `Invalid value: ${JSON.stringify(spec?.selector)}: field is immutable` });
      break;
    }
    case 'Job': {
      const restartPolicy = spec?.template?.spec?.restartPolicy;
      if (restartPolicy !== 'Never' && restartPolicy !== 'OnFailure') {
        causes.push({ field: 'spec.template.spec.restartPolicy', message: `Unsupported value: ${JSON.stringify(restartPolicy)}: supported values: "OnFailure", "Never"`, reason: 'FieldValueNotSupported' });
      }
      checkPodTemplate('spec.template.spec', spec?.template?.spec, causes);
      if (live && !deepEqual(live.spec?.template, spec?.template)) causes.push({ field: 'spec.template', message: 'Invalid value: field is immutable' });
      break;
    }
    case 'CronJob':
      if (!spec?.schedule) causes.push({ field: 'spec.schedule', message: 'Required value', reason: 'FieldValueRequired' });
      checkPodTemplate('spec.jobTemplate.spec.template.spec', spec?.jobTemplate?.spec?.template?.spec, causes);
      break;
    case 'Pod':
      checkPodTemplate('spec', spec, causes);
      break;
    case 'Service':
      (Array.isArray(spec?.ports) ? spec.ports : []).forEach((p: { port?: unknown }, i: number) => {
        if (typeof p?.port !== 'number') causes.push({ field: `spec.ports[${i}].port`, message: 'Required value', reason: 'FieldValueRequired' });
      });
      break;
  }
  if (causes.length > 0) throw errors.invalid(type, object.metadata.name ?? '', causes);
}
