/**
 * Decoding of the protobuf request bodies kubectl sends with no JSON fallback (`create namespace`,
 * `create job --from=cronjob/…`, and the other `create` generators): the `k8s\0` envelope
 * (runtime.Unknown) and just the fields of the kinds below, by the field numbers of Kubernetes'
 * `generated.proto` files. Fields not in these tables are dropped.
 */
import { errors } from './errors.js';
import type { Json, JsonObject, KubeObject } from './types.js';

const MAGIC = Buffer.from([0x6b, 0x38, 0x73, 0x00]);

type Field = { wire: number; value: bigint | Buffer };

function readVarint(buffer: Buffer, offset: number): [bigint, number] {
  let result = 0n;
  let shift = 0n;
  for (;;) {
    if (offset >= buffer.length) throw errors.badRequest('protobuf: truncated varint');
    const byte = buffer[offset++];
    result |= BigInt(byte & 0x7f) << shift;
    if ((byte & 0x80) === 0) return [result, offset];
    shift += 7n;
  }
}

/** Splits one message into its fields, by field number, in wire order. */
function fields(buffer: Buffer): Map<number, Field[]> {
  const out = new Map<number, Field[]>();
  let offset = 0;
  while (offset < buffer.length) {
    const [tag, afterTag] = readVarint(buffer, offset);
    const number = Number(tag >> 3n);
    const wire = Number(tag & 7n);
    let value: bigint | Buffer;
    if (wire === 0) [value, offset] = readVarint(buffer, afterTag);
    else if (wire === 2) {
      const [length, afterLength] = readVarint(buffer, afterTag);
      value = buffer.subarray(afterLength, afterLength + Number(length));
      offset = afterLength + Number(length);
    } else if (wire === 1) {
      value = buffer.subarray(afterTag, afterTag + 8);
      offset = afterTag + 8;
    } else if (wire === 5) {
      value = buffer.subarray(afterTag, afterTag + 4);
      offset = afterTag + 4;
    } else throw errors.badRequest(`protobuf: unsupported wire type ${wire}`);
    out.set(number, [...(out.get(number) ?? []), { wire, value }]);
  }
  return out;
}

/** How one field is read: a scalar, a nested message (by its table), or a map. */
type Reader = 'string' | 'bytes' | 'int' | 'nonzero' | 'bool' | 'intOrString' | Table | { map: 'string' | 'bytes' };
type Table = Record<number, [name: string, reader: Reader, repeated?: 'repeated']>;

function readValue(field: Field, reader: Reader): Json {
  const raw = field.value;
  if (reader === 'string') return (raw as Buffer).toString('utf8');
  if (reader === 'bytes') return (raw as Buffer).toString('base64');
  if (reader === 'int' || reader === 'nonzero') return Number(BigInt.asIntN(64, raw as bigint));
  if (reader === 'intOrString') {
    const value = decodeMessage(raw as Buffer, { 1: ['type', 'int'], 2: ['intVal', 'int'], 3: ['strVal', 'string'] });
    return value.type === 1 ? (value.strVal ?? '') : (value.intVal ?? 0);
  }
  if (reader === 'bool') return raw !== 0n;
  if ('map' in reader) {
    const entry = fields(raw as Buffer);
    return [readValue(entry.get(1)![0], 'string'), entry.get(2) ? readValue(entry.get(2)![0], reader.map) : ''];
  }
  return decodeMessage(raw as Buffer, reader as Table);
}

function decodeMessage(buffer: Buffer, table: Table): JsonObject {
  const out: JsonObject = {};
  for (const [number, values] of fields(buffer)) {
    const spec = table[number];
    if (!spec) continue;
    const [name, reader, repeated] = spec;
    // Go writes every string field, set or not: an empty one means unset, as `omitempty` in JSON.
    if (reader === 'string' && !repeated && values.every((v) => (v.value as Buffer).length === 0)) continue;
    // Plain (non-pointer) integers are written even when zero; 'nonzero' fields treat 0 as unset.
    if (reader === 'nonzero' && values.every((v) => v.value === 0n)) continue;
    if (typeof reader === 'object' && 'map' in reader) {
      out[name] = Object.fromEntries(values.map((v) => readValue(v, reader) as [string, Json]));
    } else if (repeated) out[name] = values.map((v) => readValue(v, reader));
    else out[name] = readValue(values[values.length - 1], reader);
  }
  return out;
}

const ownerReference: Table = { 1: ['kind', 'string'], 3: ['name', 'string'], 4: ['uid', 'string'], 5: ['apiVersion', 'string'], 6: ['controller', 'bool'], 7: ['blockOwnerDeletion', 'bool'] };
const objectMeta: Table = {
  1: ['name', 'string'],
  2: ['generateName', 'string'],
  3: ['namespace', 'string'],
  5: ['uid', 'string'],
  6: ['resourceVersion', 'string'],
  11: ['labels', { map: 'string' }],
  12: ['annotations', { map: 'string' }],
  13: ['ownerReferences', ownerReference, 'repeated'],
  14: ['finalizers', 'string', 'repeated'],
};
const labelSelector: Table = {
  1: ['matchLabels', { map: 'string' }],
  2: ['matchExpressions', { 1: ['key', 'string'], 2: ['operator', 'string'], 3: ['values', 'string', 'repeated'] }, 'repeated'],
};
const container: Table = {
  1: ['name', 'string'],
  2: ['image', 'string'],
  3: ['command', 'string', 'repeated'],
  4: ['args', 'string', 'repeated'],
  5: ['workingDir', 'string'],
  6: ['ports', { 1: ['name', 'string'], 3: ['containerPort', 'int'], 4: ['protocol', 'string'] }, 'repeated'],
  7: ['env', { 1: ['name', 'string'], 2: ['value', 'string'] }, 'repeated'],
  14: ['imagePullPolicy', 'string'],
};
const podTemplateSpec: Table = {
  1: ['metadata', objectMeta],
  2: ['spec', { 2: ['containers', container, 'repeated'], 3: ['restartPolicy', 'string'], 8: ['serviceAccountName', 'string'], 20: ['initContainers', container, 'repeated'] }],
};
const jobSpec: Table = {
  1: ['parallelism', 'int'],
  2: ['completions', 'int'],
  3: ['activeDeadlineSeconds', 'int'],
  4: ['selector', labelSelector],
  5: ['manualSelector', 'bool'],
  6: ['template', podTemplateSpec],
  7: ['backoffLimit', 'int'],
  8: ['ttlSecondsAfterFinished', 'int'],
  9: ['completionMode', 'string'],
  10: ['suspend', 'bool'],
};

/** The kinds decoded, by `apiVersion/kind`. */
const KINDS: Record<string, Table> = {
  'v1/Namespace': { 1: ['metadata', objectMeta], 2: ['spec', { 1: ['finalizers', 'string', 'repeated'] }] },
  'batch/v1/Job': { 1: ['metadata', objectMeta], 2: ['spec', jobSpec] },
  'v1/ConfigMap': { 1: ['metadata', objectMeta], 2: ['data', { map: 'string' }], 3: ['binaryData', { map: 'bytes' }], 4: ['immutable', 'bool'] },
  'v1/Secret': { 1: ['metadata', objectMeta], 2: ['data', { map: 'bytes' }], 3: ['type', 'string'], 4: ['stringData', { map: 'string' }], 5: ['immutable', 'bool'] },
  'batch/v1/CronJob': {
    1: ['metadata', objectMeta],
    2: [
      'spec',
      {
        1: ['schedule', 'string'],
        2: ['startingDeadlineSeconds', 'int'],
        3: ['concurrencyPolicy', 'string'],
        4: ['suspend', 'bool'],
        5: ['jobTemplate', { 1: ['metadata', objectMeta], 2: ['spec', jobSpec] }],
        6: ['successfulJobsHistoryLimit', 'int'],
        7: ['failedJobsHistoryLimit', 'int'],
        8: ['timeZone', 'string'],
      },
    ],
  },
  'policy/v1/PodDisruptionBudget': {
    1: ['metadata', objectMeta],
    2: ['spec', { 1: ['minAvailable', 'intOrString'], 2: ['selector', labelSelector], 3: ['maxUnavailable', 'intOrString'] }],
  },
  'apps/v1/Deployment': {
    1: ['metadata', objectMeta],
    2: ['spec', { 1: ['replicas', 'int'], 2: ['selector', labelSelector], 3: ['template', podTemplateSpec] }],
  },
  'v1/Service': {
    1: ['metadata', objectMeta],
    2: [
      'spec',
      {
        1: ['ports', { 1: ['name', 'string'], 2: ['protocol', 'string'], 3: ['port', 'int'], 4: ['targetPort', 'intOrString'], 5: ['nodePort', 'nonzero'] }, 'repeated'],
        2: ['selector', { map: 'string' }],
        4: ['type', 'string'],
      },
    ],
  },
};

export function isProtobufBody(body: Buffer): boolean {
  return body.subarray(0, 4).equals(MAGIC);
}

/** Decodes a `application/vnd.kubernetes.protobuf` body into the JSON object it stands for. */
export function decodeProtobufObject(body: Buffer): KubeObject {
  if (!isProtobufBody(body)) throw errors.badRequest('protobuf: missing the k8s envelope');
  const envelope = decodeMessage(body.subarray(4), { 1: ['typeMeta', { 1: ['apiVersion', 'string'], 2: ['kind', 'string'] }], 2: ['raw', 'bytes'] });
  const typeMeta = (envelope.typeMeta ?? {}) as { apiVersion?: string; kind?: string };
  const table = KINDS[`${typeMeta.apiVersion}/${typeMeta.kind}`];
  if (!table) throw errors.unsupportedMediaType(`application/vnd.kubernetes.protobuf for ${typeMeta.apiVersion}/${typeMeta.kind}`);
  const decoded = decodeMessage(Buffer.from(String(envelope.raw ?? ''), 'base64'), table);
  return { apiVersion: typeMeta.apiVersion!, kind: typeMeta.kind!, metadata: {}, ...decoded } as KubeObject;
}
