/** Server-side printing: the `meta.k8s.io/v1` Table kubectl asks for (`Accept: …;as=Table`) to print `kubectl get`. */
import type { ResourceType } from './resources.js';
import type { KubeObject } from './types.js';

type Cell = string | number;
interface Column {
  name: string;
  type: 'string' | 'integer' | 'date';
  format?: string;
  cell: (o: KubeObject) => Cell;
}

/** `4s`, `3m12s`, `5h`, `2d`, as the API server prints ages. */
export function age(since: string | undefined, now = Date.now()): string {
  if (!since) return '<unknown>';
  const seconds = Math.max(0, Math.floor((now - Date.parse(since)) / 1000));
  if (seconds < 120) return `${seconds}s`;
  const minutes = Math.floor(seconds / 60);
  if (minutes < 10) return `${minutes}m${seconds % 60 ? `${seconds % 60}s` : ''}`;
  if (minutes < 180) return `${minutes}m`;
  const hours = Math.floor(minutes / 60);
  return hours < 48 ? `${hours}h` : `${Math.floor(hours / 24)}d`;
}

const NAME: Column = { name: 'Name', type: 'string', format: 'name', cell: (o) => o.metadata.name ?? '' };
const AGE: Column = { name: 'Age', type: 'string', cell: (o) => age(o.metadata.creationTimestamp) };

function podStatus(pod: KubeObject): string {
  if (pod.metadata.deletionTimestamp) return 'Terminating';
  for (const s of pod.status?.containerStatuses ?? []) {
    const reason = s.state?.waiting?.reason ?? s.state?.terminated?.reason;
    if (reason && pod.status?.phase !== 'Succeeded') return reason;
  }
  return pod.status?.phase === 'Succeeded' ? 'Completed' : pod.status?.phase ?? 'Pending';
}

function jobStatus(job: KubeObject): string {
  const has = (type: string) => (job.status?.conditions ?? []).some((c: { type: string; status: string }) => c.type === type && c.status === 'True');
  if (has('Complete')) return 'Complete';
  if (has('Failed')) return 'Failed';
  return job.spec?.suspend ? 'Suspended' : 'Running';
}

const COLUMNS: Record<string, Column[]> = {
  Pod: [
    NAME,
    { name: 'Ready', type: 'string', cell: (o) => `${(o.status?.containerStatuses ?? []).filter((s: { ready: boolean }) => s.ready).length}/${(o.spec?.containers ?? []).length}` },
    { name: 'Status', type: 'string', cell: podStatus },
    { name: 'Restarts', type: 'string', cell: (o) => String((o.status?.containerStatuses ?? []).reduce((n: number, s: { restartCount?: number }) => n + (s.restartCount ?? 0), 0)) },
    AGE,
  ],
  Deployment: [
    NAME,
    { name: 'Ready', type: 'string', cell: (o) => `${o.status?.readyReplicas ?? 0}/${o.spec?.replicas ?? 0}` },
    { name: 'Up-to-date', type: 'integer', cell: (o) => o.status?.updatedReplicas ?? 0 },
    { name: 'Available', type: 'integer', cell: (o) => o.status?.availableReplicas ?? 0 },
    AGE,
  ],
  ReplicaSet: [
    NAME,
    { name: 'Desired', type: 'integer', cell: (o) => o.spec?.replicas ?? 0 },
    { name: 'Current', type: 'integer', cell: (o) => o.status?.replicas ?? 0 },
    { name: 'Ready', type: 'integer', cell: (o) => o.status?.readyReplicas ?? 0 },
    AGE,
  ],
  Service: [
    NAME,
    { name: 'Type', type: 'string', cell: (o) => o.spec?.type ?? 'ClusterIP' },
    { name: 'Cluster-IP', type: 'string', cell: (o) => o.spec?.clusterIP ?? '<none>' },
    { name: 'External-IP', type: 'string', cell: () => '<none>' },
    { name: 'Port(s)', type: 'string', cell: (o) => (o.spec?.ports ?? []).map((p: { port: number; protocol?: string }) => `${p.port}/${p.protocol ?? 'TCP'}`).join(',') || '<none>' },
    AGE,
  ],
  Job: [
    NAME,
    { name: 'Status', type: 'string', cell: jobStatus },
    { name: 'Completions', type: 'string', cell: (o) => `${o.status?.succeeded ?? 0}/${o.spec?.completions ?? 1}` },
    { name: 'Duration', type: 'string', cell: (o) => (o.status?.startTime ? age(o.status.startTime, o.status.completionTime ? Date.parse(o.status.completionTime) : Date.now()) : '') },
    AGE,
  ],
  CronJob: [
    NAME,
    { name: 'Schedule', type: 'string', cell: (o) => o.spec?.schedule ?? '' },
    { name: 'Suspend', type: 'string', cell: (o) => String(!!o.spec?.suspend) },
    { name: 'Active', type: 'integer', cell: (o) => (o.status?.active ?? []).length },
    AGE,
  ],
  Namespace: [NAME, { name: 'Status', type: 'string', cell: (o) => o.status?.phase ?? 'Active' }, AGE],
  ConfigMap: [NAME, { name: 'Data', type: 'integer', cell: (o) => Object.keys((o.data as object) ?? {}).length + Object.keys((o.binaryData as object) ?? {}).length }, AGE],
  Secret: [NAME, { name: 'Type', type: 'string', cell: (o) => String(o.type ?? 'Opaque') }, { name: 'Data', type: 'integer', cell: (o) => Object.keys((o.data as object) ?? {}).length }, AGE],
  Endpoints: [
    NAME,
    {
      name: 'Endpoints',
      type: 'string',
      cell: (o) => ((o.subsets as { addresses?: { ip: string }[]; ports?: { port: number }[] }[] | undefined) ?? []).flatMap((s) => (s.addresses ?? []).flatMap((a) => (s.ports ?? []).map((p) => `${a.ip}:${p.port}`))).join(',') || '<none>',
    },
    AGE,
  ],
};

/** A Table of objects; `includeObject` is the query parameter (`None`, `Metadata` (default), `Object`). */
export function toTable(type: ResourceType, objects: KubeObject[], resourceVersion: string, includeObject: string | null, withColumns = true): KubeObject {
  const columns = COLUMNS[type.kind] ?? [NAME, AGE];
  const rowObject = (o: KubeObject) => {
    if (includeObject === 'None') return undefined;
    if (includeObject === 'Object') return o;
    return { kind: 'PartialObjectMetadata', apiVersion: 'meta.k8s.io/v1', metadata: o.metadata };
  };
  return {
    kind: 'Table',
    apiVersion: 'meta.k8s.io/v1',
    metadata: { resourceVersion },
    ...(withColumns
      ? { columnDefinitions: columns.map((c) => ({ name: c.name, type: c.type, format: c.format ?? '', description: c.name, priority: 0 })) }
      : {}),
    rows: objects.map((o) => ({ cells: columns.map((c) => c.cell(o)), object: rowObject(o) })),
  };
}
