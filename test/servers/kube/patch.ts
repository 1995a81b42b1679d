/**
 * The three patch formats: JSON merge patch (RFC 7386), JSON patch (RFC 6902), and strategic merge
 * patch, whose lists merge by the keys Kubernetes declares (`patchMergeKey`) for the fields it knows.
 */
import { ApiError } from './errors.js';
import { deepClone, deepEqual, isPlainObject, type Json, type JsonObject } from './types.js';

/**
 * How a list field merges, by its path of field names: by a key (`containers` by `name`), as a set of
 * primitives (`finalizers`), or atomically (replaced whole) when not named here.
 */
export function listMergeKey(path: readonly string[]): string | 'set' | undefined {
  const field = path[path.length - 1];
  const parent = path[path.length - 2];
  switch (field) {
    case 'containers':
    case 'initContainers':
    case 'ephemeralContainers':
    case 'env':
    case 'volumes':
    case 'imagePullSecrets':
      return 'name';
    case 'ports':
      // A container's ports merge by containerPort; a Service's by port.
      return ['containers', 'initContainers', 'ephemeralContainers'].includes(parent) ? 'containerPort' : parent === 'spec' ? 'port' : undefined;
    case 'volumeMounts':
      return 'mountPath';
    case 'volumeDevices':
      return 'devicePath';
    case 'conditions':
      return 'type';
    case 'ownerReferences':
      return 'uid';
    case 'hostAliases':
      return 'ip';
    case 'finalizers':
      return 'set';
    default:
      return undefined;
  }
}

/**
 * A JSON patch that does not apply: kube-apiserver 1.32 answers 422 Invalid with this generic
 * message and empty details, never saying why (seen on the real control plane of test/cluster).
 * The reason is kept as the error's cause, for our own tests and logs only.
 */
function invalidPatch(reason: string): ApiError {
  return Object.assign(new ApiError(422, 'Invalid', 'the server rejected our request due to an error in our request', {}), { cause: reason });
}

// ---- JSON merge patch ----

export function mergePatch(target: Json | undefined, patch: Json): Json {
  if (!isPlainObject(patch)) return deepClone(patch);
  const result: JsonObject = isPlainObject(target) ? deepClone(target as JsonObject) : {};
  for (const [key, value] of Object.entries(patch as JsonObject)) {
    if (value === null) delete result[key];
    else result[key] = mergePatch(result[key], value);
  }
  return result;
}

// ---- JSON patch ----

function pointerTokens(pointer: string): string[] {
  if (pointer === '') return [];
  if (!pointer.startsWith('/')) throw invalidPatch(`invalid JSON pointer ${JSON.stringify(pointer)}`);
  return pointer.slice(1).split('/').map((t) => t.replace(/~1/g, '/').replace(/~0/g, '~'));
}

function parentOf(document: Json, tokens: string[], pointer: string): { container: Json; last: string } {
  let current = document;
  for (const token of tokens.slice(0, -1)) {
    const next = Array.isArray(current) ? current[Number(token)] : isPlainObject(current) ? (current as JsonObject)[token] : undefined;
    if (next === undefined) throw invalidPatch(`doc is missing path: "${pointer}"`);
    current = next;
  }
  return { container: current, last: tokens[tokens.length - 1] };
}

function getAt(document: Json, pointer: string): Json {
  let current: Json | undefined = document;
  for (const token of pointerTokens(pointer)) {
    current = Array.isArray(current) ? current[Number(token)] : isPlainObject(current) ? (current as JsonObject)[token] : undefined;
    if (current === undefined) throw invalidPatch(`doc is missing path: "${pointer}"`);
  }
  return current;
}

function removeAt(document: Json, pointer: string): Json {
  const { container, last } = parentOf(document, pointerTokens(pointer), pointer);
  if (Array.isArray(container)) {
    const index = Number(last);
    if (!(index >= 0 && index < container.length)) throw invalidPatch(`doc is missing path: "${pointer}"`);
    return container.splice(index, 1)[0];
  }
  if (!isPlainObject(container) || !(last in (container as JsonObject))) throw invalidPatch(`doc is missing path: "${pointer}"`);
  const removed = (container as JsonObject)[last];
  delete (container as JsonObject)[last];
  return removed;
}

function addAt(document: Json, pointer: string, value: Json, replace: boolean): Json {
  const tokens = pointerTokens(pointer);
  if (tokens.length === 0) return value;
  const { container, last } = parentOf(document, tokens, pointer);
  if (Array.isArray(container)) {
    const index = last === '-' ? container.length : Number(last);
    if (!(index >= 0 && index <= container.length) || (replace && index === container.length)) throw invalidPatch(`doc is missing path: "${pointer}"`);
    container.splice(index, replace ? 1 : 0, value);
  } else if (isPlainObject(container)) {
    // No check that a replaced key exists: the API server's JSON patch library (evanphx/json-patch
    // v4) replaces a missing object key as if adding it (seen on kube-apiserver 1.32).
    (container as JsonObject)[last] = value;
  } else throw invalidPatch(`doc is missing path: "${pointer}"`);
  return document;
}

interface JsonPatchOperation {
  op: string;
  path: string;
  from?: string;
  value?: Json;
}

export function jsonPatch(document: Json, operations: Json): Json {
  if (!Array.isArray(operations)) throw new ApiError(400, 'BadRequest', 'json: cannot unmarshal object into Go value of type jsonpatch.Patch');
  let doc = deepClone(document);
  for (const raw of operations as unknown as JsonPatchOperation[]) {
    const value = raw.value === undefined ? null : deepClone(raw.value);
    switch (raw.op) {
      case 'add':
        doc = addAt(doc, raw.path, value, false);
        break;
      case 'replace':
        doc = addAt(doc, raw.path, value, true);
        break;
      case 'remove':
        removeAt(doc, raw.path);
        break;
      case 'move':
        doc = addAt(doc, raw.path, removeAt(doc, raw.from ?? ''), false);
        break;
      case 'copy':
        doc = addAt(doc, raw.path, deepClone(getAt(doc, raw.from ?? '')), false);
        break;
      case 'test':
        if (!deepEqual(getAt(doc, raw.path), value)) throw invalidPatch(`testing value ${raw.path} failed: test failed`);
        break;
      default:
        throw invalidPatch(`Unexpected kind: ${raw.op}`);
    }
  }
  return doc;
}

// ---- strategic merge patch ----

const DIRECTIVE = '$patch';

function stripDirectives(value: Json): Json {
  if (Array.isArray(value)) return value.filter((v) => !(isPlainObject(v) && (v as JsonObject)[DIRECTIVE] !== undefined && Object.keys(v).length === 1)).map(stripDirectives);
  if (!isPlainObject(value)) return value;
  const out: JsonObject = {};
  for (const [k, v] of Object.entries(value as JsonObject)) if (!k.startsWith('$')) out[k] = stripDirectives(v);
  return out;
}

function mergeList(original: Json | undefined, patch: Json[], path: string[]): Json[] {
  const key = listMergeKey(path);
  const replaceMarker = patch.some((v) => isPlainObject(v) && (v as JsonObject)[DIRECTIVE] === 'replace');
  const current = Array.isArray(original) ? deepClone(original) : [];
  if (replaceMarker || key === undefined) return stripDirectives(patch) as Json[];
  if (key === 'set') {
    for (const item of patch) if (!current.some((c) => deepEqual(c, item))) current.push(item);
    return current;
  }
  for (const item of patch) {
    if (!isPlainObject(item)) throw invalidPatch(`merging an object in json but data type is not struct, instead is: ${typeof item}`);
    const element = item as JsonObject;
    const index = current.findIndex((c) => isPlainObject(c) && deepEqual((c as JsonObject)[key], element[key]));
    if (element[DIRECTIVE] === 'delete') {
      if (index >= 0) current.splice(index, 1);
    } else if (index >= 0) current[index] = strategicMergePatch(current[index], element, path);
    else current.push(strategicMergePatch({}, element, path));
  }
  return current;
}

/** Puts list items in the order `$setElementOrder/<field>` gives, keeping items it does not name after them. */
function orderList(list: Json[], order: Json[], key: string | undefined): Json[] {
  const identity = (item: Json): Json => (key && key !== 'set' && isPlainObject(item) ? (item as JsonObject)[key] : item);
  const wanted = order.map((o) => (key && key !== 'set' && isPlainObject(o) ? (o as JsonObject)[key] : o));
  const ordered: Json[] = [];
  for (const id of wanted) {
    const found = list.find((item) => deepEqual(identity(item), id));
    if (found !== undefined) ordered.push(found);
  }
  return [...ordered, ...list.filter((item) => !ordered.includes(item))];
}

export function strategicMergePatch(original: Json | undefined, patch: Json, path: string[] = []): Json {
  if (!isPlainObject(patch)) return deepClone(patch);
  const patchObject = patch as JsonObject;
  if (patchObject[DIRECTIVE] === 'replace') return stripDirectives(patchObject);
  const result: JsonObject = isPlainObject(original) ? deepClone(original as JsonObject) : {};
  for (const [field, value] of Object.entries(patchObject)) {
    if (field.startsWith('$')) continue;
    if (value === null) delete result[field];
    else if (isPlainObject(value) && (value as JsonObject)[DIRECTIVE] === 'delete') delete result[field];
    else if (Array.isArray(value)) result[field] = mergeList(result[field], value, [...path, field]);
    else if (isPlainObject(value)) result[field] = strategicMergePatch(result[field], value, [...path, field]);
    else result[field] = value;
  }
  for (const [directive, value] of Object.entries(patchObject)) {
    const deleteFrom = /^\$deleteFromPrimitiveList\/(.+)$/.exec(directive);
    if (deleteFrom && Array.isArray(result[deleteFrom[1]]) && Array.isArray(value)) {
      result[deleteFrom[1]] = (result[deleteFrom[1]] as Json[]).filter((item) => !value.some((v) => deepEqual(v, item)));
    }
    const setOrder = /^\$setElementOrder\/(.+)$/.exec(directive);
    if (setOrder && Array.isArray(result[setOrder[1]]) && Array.isArray(value)) {
      result[setOrder[1]] = orderList(result[setOrder[1]] as Json[], value, listMergeKey([...path, setOrder[1]]));
    }
  }
  const retainKeys = patchObject['$retainKeys'];
  if (Array.isArray(retainKeys)) {
    for (const field of Object.keys(result)) if (!retainKeys.includes(field)) delete result[field];
  }
  return result;
}
