/**
 * Field ownership (`metadata.managedFields`, FieldsV1) and server-side apply: which manager owns
 * which field, conflicts when an applier would change a field another manager set, `force` taking
 * ownership, and removal of fields an applier stops applying when nobody else owns them.
 */
import { errors } from './errors.js';
import { listMergeKey } from './patch.js';
import type { ResourceType } from './resources.js';
import { deepClone, deepEqual, isPlainObject, timestamp, type Json, type JsonObject, type KubeObject, type ManagedFieldsEntry } from './types.js';

/** A field path in FieldsV1 segments (`f:spec`, `k:{"name":"web"}`, `v:"x"`), JSON-encoded to be a set member. */
type PathKey = string;
export type FieldSet = Set<PathKey>;

/** Metadata the server owns: never part of a manager's fields. */
const SERVER_METADATA = new Set(['name', 'namespace', 'uid', 'resourceVersion', 'generation', 'creationTimestamp', 'managedFields', 'selfLink', 'deletionTimestamp', 'deletionGracePeriodSeconds', 'generateName']);

function collectMap(value: JsonObject, names: string[], segments: string[], out: FieldSet): void {
  for (const [field, child] of Object.entries(value)) {
    if (child === undefined) continue;
    if (names.length === 0 && (field === 'apiVersion' || field === 'kind' || field === 'status')) continue;
    if (names.length === 1 && names[0] === 'metadata' && SERVER_METADATA.has(field)) continue;
    collectField(child, [...names, field], [...segments, `f:${field}`], out);
  }
}

function collectField(value: Json, names: string[], segments: string[], out: FieldSet): void {
  if (isPlainObject(value) && Object.keys(value).length > 0) {
    collectMap(value as JsonObject, names, segments, out);
    return;
  }
  const key = listMergeKey(names);
  if (Array.isArray(value) && key === 'set') {
    for (const item of value) out.add(JSON.stringify([...segments, `v:${JSON.stringify(item)}`]));
    return;
  }
  if (Array.isArray(value) && key !== undefined && value.every(isPlainObject)) {
    for (const item of value as JsonObject[]) {
      const element = [...segments, `k:${JSON.stringify({ [key]: item[key] })}`];
      out.add(JSON.stringify(element));
      collectMap(item, names, element, out);
    }
    return;
  }
  out.add(JSON.stringify(segments));
}

/** The leaf fields (and keyed list items) an object sets. */
export function fieldSetOf(object: Json | undefined): FieldSet {
  const out: FieldSet = new Set();
  if (isPlainObject(object)) collectMap(object as JsonObject, [], [], out);
  return out;
}

/** The value at a field path, or undefined when the object does not set it. */
function valueAt(object: Json | undefined, path: PathKey): Json | undefined {
  let current: Json | undefined = object;
  for (const segment of JSON.parse(path) as string[]) {
    if (current === undefined || current === null) return undefined;
    const body = segment.slice(2);
    if (segment.startsWith('f:')) current = isPlainObject(current) ? (current as JsonObject)[body] : undefined;
    else if (segment.startsWith('k:')) {
      const key = JSON.parse(body) as JsonObject;
      current = Array.isArray(current)
        ? current.find((item) => isPlainObject(item) && Object.entries(key).every(([k, v]) => deepEqual((item as JsonObject)[k], v)))
        : undefined;
    } else if (segment.startsWith('v:')) {
      const wanted = JSON.parse(body) as Json;
      current = Array.isArray(current) && current.some((item) => deepEqual(item, wanted)) ? wanted : undefined;
    }
  }
  return current;
}

/** Removes the field at `path` from `object` in place (a list item, a set member or a map field). */
function removeAt(object: Json, path: PathKey): void {
  const segments = JSON.parse(path) as string[];
  const parentPath = JSON.stringify(segments.slice(0, -1));
  const parent = segments.length === 1 ? object : valueAt(object, parentPath);
  const last = segments[segments.length - 1];
  const body = last.slice(2);
  if (last.startsWith('f:') && isPlainObject(parent)) delete (parent as JsonObject)[body];
  else if (Array.isArray(parent)) {
    const target = valueAt(object, path);
    const index = parent.findIndex((item) => item === target || (last.startsWith('v:') && deepEqual(item, target)));
    if (index >= 0) parent.splice(index, 1);
  }
}

export function toFieldsV1(set: FieldSet): JsonObject {
  const root: JsonObject = {};
  const members: JsonObject[] = [];
  for (const path of set) {
    let node = root;
    for (const segment of JSON.parse(path) as string[]) {
      node[segment] ??= {};
      node = node[segment] as JsonObject;
    }
    members.push(node);
  }
  // A member that also has members below it is marked with ".", as FieldsV1 does for list items.
  for (const node of members) if (Object.keys(node).some((k) => k !== '.')) node['.'] = {};
  return root;
}

export function fromFieldsV1(fields: JsonObject | undefined, prefix: string[] = [], out: FieldSet = new Set()): FieldSet {
  for (const [segment, child] of Object.entries(fields ?? {})) {
    if (segment === '.') out.add(JSON.stringify(prefix));
    else if (isPlainObject(child) && Object.keys(child).length > 0) fromFieldsV1(child as JsonObject, [...prefix, segment], out);
    else out.add(JSON.stringify([...prefix, segment]));
  }
  return out;
}

/** `.spec.replicas`, `.spec.template.spec.containers[name="web"].image`: how conflicts name a field. */
function describe(path: PathKey): string {
  return (JSON.parse(path) as string[])
    .map((s) => {
      if (s.startsWith('f:')) return `.${s.slice(2)}`;
      if (s.startsWith('k:')) return `[${Object.entries(JSON.parse(s.slice(2)) as JsonObject).map(([k, v]) => `${k}=${JSON.stringify(v)}`).join(',')}]`;
      return `[=${s.slice(2)}]`;
    })
    .join('');
}

function entryOf(manager: string, operation: 'Apply' | 'Update', apiVersion: string, set: FieldSet, subresource?: string): ManagedFieldsEntry {
  return { manager, operation, apiVersion, time: timestamp(), fieldsType: 'FieldsV1', fieldsV1: toFieldsV1(set), ...(subresource ? { subresource } : {}) };
}

function isLeafValue(value: Json | undefined): boolean {
  return !isPlainObject(value);
}

/**
 * Records a create, update or patch by `manager`: it takes the fields whose values it changed;
 * fields the write removed leave every manager. When the write itself replaced
 * `metadata.managedFields` (kubectl does, to move ownership), that list is kept as given.
 */
export function recordUpdate(before: KubeObject | undefined, after: KubeObject, manager: string, subresource?: string): void {
  const requested = after.metadata.managedFields;
  if (before && requested && !deepEqual(requested, before.metadata.managedFields)) return;
  const oldFields = before ? fieldSetOf(before as unknown as Json) : new Set<PathKey>();
  const newFields = fieldSetOf(after as unknown as Json);
  const changed = [...newFields].filter((p) => !oldFields.has(p) || (isLeafValue(valueAt(after as unknown as Json, p)) && !deepEqual(valueAt(before as unknown as Json, p), valueAt(after as unknown as Json, p))));
  const removed = [...oldFields].filter((p) => !newFields.has(p));
  const entries = (before?.metadata.managedFields ?? []).map((e) => ({ entry: e, set: fromFieldsV1(e.fieldsV1) }));
  let mine = entries.find((e) => e.entry.manager === manager && e.entry.operation === 'Update' && e.entry.subresource === subresource);
  if (!mine && changed.length > 0) {
    mine = { entry: entryOf(manager, 'Update', after.apiVersion, new Set(), subresource), set: new Set() };
    entries.push(mine);
  }
  for (const e of entries) {
    for (const p of removed) e.set.delete(p);
    if (e !== mine) for (const p of changed) e.set.delete(p);
  }
  for (const p of changed) mine?.set.add(p);
  after.metadata.managedFields = entries
    .filter((e) => e.set.size > 0)
    .map((e) => (e === mine ? entryOf(manager, 'Update', after.apiVersion, e.set, subresource) : { ...e.entry, fieldsV1: toFieldsV1(e.set) }));
}

/** Merges an applied configuration into the live object: maps field by field, keyed lists item by item. */
function mergeApplied(live: Json | undefined, applied: Json, names: string[]): Json {
  if (isPlainObject(applied)) {
    const result: JsonObject = isPlainObject(live) ? deepClone(live as JsonObject) : {};
    for (const [field, value] of Object.entries(applied as JsonObject)) {
      if (value === null) continue;
      result[field] = mergeApplied(result[field], value, [...names, field]);
    }
    return result;
  }
  const key = listMergeKey(names);
  if (Array.isArray(applied) && Array.isArray(live) && key === 'set') {
    return [...live, ...applied.filter((item) => !live.some((l) => deepEqual(l, item)))];
  }
  if (Array.isArray(applied) && Array.isArray(live) && key !== undefined) {
    const result = deepClone(live);
    for (const item of applied) {
      const index = result.findIndex((l) => isPlainObject(l) && isPlainObject(item) && deepEqual((l as JsonObject)[key], (item as JsonObject)[key]));
      if (index >= 0) result[index] = mergeApplied(result[index], item, names);
      else result.push(deepClone(item));
    }
    return result;
  }
  return deepClone(applied);
}

const LAST_APPLIED = 'kubectl.kubernetes.io/last-applied-configuration';

/**
 * The API server's lastAppliedManager: kubectl's server-side apply (manager `kubectl`) over an
 * object a client-side `kubectl apply` made does not conflict on the fields listed in the
 * last-applied annotation whose live value is still the one last applied; they are handed to the
 * applier as if forced. A field changed since by another writer (`kubectl scale` on
 * .spec.replicas) still conflicts with that writer, as on kube-apiserver 1.32. Any other conflict stays.
 */
function takenOverFromClientSideApply(live: KubeObject | undefined, conflicts: { path: PathKey }[], manager = 'kubectl'): boolean {
  const annotation = live?.metadata.annotations?.[LAST_APPLIED];
  if (!annotation || manager !== 'kubectl') return false;
  let lastApplied: Json;
  try {
    lastApplied = JSON.parse(annotation) as Json;
  } catch {
    return false;
  }
  const allowed = fieldSetOf(lastApplied);
  const unchangedSince = (path: PathKey) => allowed.has(path) && deepEqual(valueAt(lastApplied, path), valueAt(live as unknown as Json, path));
  return conflicts.every((conflict) => unchangedSince(conflict.path));
}

export interface ApplyOptions {
  manager: string;
  force: boolean;
  type: ResourceType;
  name: string;
}

/** Server-side apply of `applied` over `live` (undefined when the apply creates the object). */
export function serverSideApply(live: KubeObject | undefined, applied: KubeObject, options: ApplyOptions): KubeObject {
  const appliedFields = fieldSetOf(applied as unknown as Json);
  const entries = (live?.metadata.managedFields ?? []).map((e) => ({ entry: e, set: fromFieldsV1(e.fieldsV1) }));
  const isMine = (e: ManagedFieldsEntry) => e.manager === options.manager && e.operation === 'Apply';
  const conflicts: { manager: string; subresource?: string; apiVersion: string; field: string; path: PathKey }[] = [];
  for (const { entry, set } of entries) {
    if (isMine(entry)) continue;
    for (const path of appliedFields) {
      if (!set.has(path)) continue;
      const wanted = valueAt(applied as unknown as Json, path);
      if (isLeafValue(wanted) && !deepEqual(wanted, valueAt(live as unknown as Json, path))) {
        conflicts.push({ manager: entry.manager, subresource: entry.subresource, apiVersion: entry.apiVersion, field: describe(path), path });
      }
    }
  }
  if (conflicts.length > 0 && !options.force && !takenOverFromClientSideApply(live, conflicts, options.manager)) throw errors.applyConflict(options.type, options.name, conflicts);
  for (const c of conflicts) for (const e of entries) if (e.entry.manager === c.manager && !isMine(e.entry)) e.set.delete(c.path);

  const { managedFields: _ignored, ...appliedMetadata } = applied.metadata;
  const merged = mergeApplied(live as unknown as Json, { ...applied, metadata: appliedMetadata } as unknown as Json, []) as unknown as KubeObject;
  const previous = entries.find((e) => isMine(e.entry))?.set ?? new Set<PathKey>();
  const ownedByOthers = new Set(entries.filter((e) => !isMine(e.entry)).flatMap((e) => [...e.set]));
  const dropped = [...previous].filter((p) => !appliedFields.has(p) && !ownedByOthers.has(p)).sort((a, b) => b.length - a.length);
  for (const path of dropped) removeAt(merged as unknown as Json, path);

  const others = entries.filter((e) => !isMine(e.entry) && e.set.size > 0).map((e) => ({ ...e.entry, fieldsV1: toFieldsV1(e.set) }));
  merged.metadata.managedFields = [...others, entryOf(options.manager, 'Apply', applied.apiVersion, appliedFields)];
  return merged;
}
