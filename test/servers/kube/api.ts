/**
 * The verbs of the API over the store, independent of HTTP: get, list, create, update, patch
 * (merge, strategic, JSON, apply), delete, with the `status` and `scale` subresources, dryRun,
 * resourceVersion preconditions and field ownership.
 */
import { applyCreateDefaults, foldStringData, randomSuffix, validate } from './defaults.js';
import { ApiError, errors } from './errors.js';
import { recordUpdate, serverSideApply } from './managed-fields.js';
import { jsonPatch, mergePatch, strategicMergePatch } from './patch.js';
import { RESOURCE_TYPES, findType, groupVersion, type ResourceType } from './resources.js';
import { labelSelectorText, parseFieldSelector, parseLabelSelector } from './selectors.js';
import type { Store } from './store.js';
import { deepClone, deepEqual, isPlainObject, type Json, type KubeObject } from './types.js';

export const PATCH_TYPES = {
  json: 'application/json-patch+json',
  merge: 'application/merge-patch+json',
  strategic: 'application/strategic-merge-patch+json',
  apply: 'application/apply-patch+yaml',
} as const;

export interface WriteOptions {
  /** `?fieldManager=`; when absent, the API server derives one from the User-Agent. */
  fieldManager: string;
  dryRun: boolean;
  /** `?force=true` on server-side apply. */
  force?: boolean;
  /** Strict mode: server-side apply must name its field manager, as the real API server demands. */
  requireApplyManager?: boolean;
  fieldManagerGiven?: boolean;
}

export interface ListOptions {
  labelSelector?: string | null;
  fieldSelector?: string | null;
}

export const NAMESPACES = findType('', 'v1', 'namespaces')!;
const STATUS_SUBRESOURCE_KINDS = new Set(RESOURCE_TYPES.filter((t) => t.subresources?.includes('status')).map((t) => t.kind));

export class Api {
  constructor(private readonly store: Store) {}

  get(type: ResourceType, namespace: string | undefined, name: string, subresource?: string): KubeObject {
    const object = this.store.get(type, namespace, name);
    if (!object) throw errors.notFound(type, name);
    return subresource === 'scale' ? this.scaleOf(type, object) : object;
  }

  filter(type: ResourceType, namespace: string | undefined, options: ListOptions): (object: KubeObject) => boolean {
    const labels = parseLabelSelector(options.labelSelector);
    const fields = parseFieldSelector(options.fieldSelector);
    return (o) => (!namespace || !type.namespaced || o.metadata.namespace === namespace) && labels(o.metadata.labels) && fields(o);
  }

  list(type: ResourceType, namespace: string | undefined, options: ListOptions = {}): KubeObject {
    const matches = this.filter(type, namespace, options);
    return {
      kind: `${type.kind}List`,
      apiVersion: groupVersion(type),
      metadata: { resourceVersion: this.store.resourceVersion },
      items: this.store.list(type, namespace).filter(matches) as unknown as Json,
    };
  }

  create(type: ResourceType, namespace: string | undefined, body: KubeObject, options: WriteOptions): KubeObject {
    if (!isPlainObject(body) || !isPlainObject(body.metadata ?? {})) throw errors.badRequest('the body of the request was in an unknown format');
    const object = deepClone(body);
    object.metadata ??= {};
    if (type.namespaced) {
      if (object.metadata.namespace && namespace && object.metadata.namespace !== namespace) {
        throw errors.badRequest('the namespace of the provided object does not match the namespace sent on the request');
      }
      object.metadata.namespace = namespace ?? object.metadata.namespace ?? 'default';
      if (!this.store.get(NAMESPACES, undefined, object.metadata.namespace)) throw errors.notFound(NAMESPACES, object.metadata.namespace);
    } else delete object.metadata.namespace;
    if (!object.metadata.name && object.metadata.generateName) object.metadata.name = object.metadata.generateName + randomSuffix();
    if (object.metadata.name && this.store.get(type, namespace, object.metadata.name)) throw errors.alreadyExists(type, object.metadata.name);
    applyCreateDefaults(type, object);
    validate(type, object);
    delete object.metadata.managedFields;
    recordUpdate(undefined, object, options.fieldManager);
    return options.dryRun ? object : this.store.put(type, object);
  }

  update(type: ResourceType, namespace: string | undefined, name: string, body: KubeObject, options: WriteOptions, subresource?: string): KubeObject {
    if (!isPlainObject(body) || !isPlainObject(body.metadata)) throw errors.badRequest('the body of the request was in an unknown format');
    if (body.metadata.name !== undefined && body.metadata.name !== name) {
      throw errors.badRequest(`the name of the object (${body.metadata.name}) does not match the name on the URL (${name})`);
    }
    const live = this.get(type, namespace, name);
    return this.write(type, live, () => (subresource === 'scale' ? body : { ...deepClone(body), metadata: { ...body.metadata, name } }), options, subresource);
  }

  patch(type: ResourceType, namespace: string | undefined, name: string, patchType: string, patch: Json, options: WriteOptions, subresource?: string): KubeObject {
    if (patchType === PATCH_TYPES.apply) return this.apply(type, namespace, name, patch, options);
    const live = this.get(type, namespace, name);
    const patcher = (current: Json): Json => {
      switch (patchType) {
        case PATCH_TYPES.json:
          return jsonPatch(current, patch);
        case PATCH_TYPES.merge:
          return mergePatch(current, patch);
        case PATCH_TYPES.strategic:
          return strategicMergePatch(current, patch);
        default:
          throw errors.unsupportedMediaType(patchType);
      }
    };
    return this.write(type, live, (current) => patcher(current as unknown as Json) as unknown as KubeObject, options, subresource);
  }

  private apply(type: ResourceType, namespace: string | undefined, name: string, patch: Json, options: WriteOptions): KubeObject {
    if (options.requireApplyManager && !options.fieldManagerGiven) {
      throw errors.badRequest('PATCH, fieldManager: Required value: is required for apply patch');
    }
    if (!isPlainObject(patch)) throw errors.badRequest('error decoding YAML: the applied configuration is not an object');
    const applied = patch as unknown as KubeObject;
    applied.metadata ??= {};
    if (applied.metadata.name !== undefined && applied.metadata.name !== name) {
      throw errors.badRequest(`the name of the object (${applied.metadata.name}) does not match the name on the URL (${name})`);
    }
    if (applied.apiVersion !== groupVersion(type) || applied.kind !== type.kind) {
      throw errors.badRequest(`the API version in the data (${applied.apiVersion}) does not match the expected API version (${groupVersion(type)})`);
    }
    const live = this.store.get(type, namespace, name);
    const merged = serverSideApply(live, { ...applied, metadata: { ...applied.metadata, name } }, { manager: options.fieldManager, force: !!options.force, type, name });
    if (!live) {
      const managedFields = merged.metadata.managedFields;
      const created = this.create(type, namespace, merged, { ...options, dryRun: true });
      created.metadata.managedFields = managedFields;
      return options.dryRun ? created : this.store.put(type, created);
    }
    return this.write(type, live, () => merged, { ...options, fieldManager: '' }, undefined);
  }

  /** The common tail of update and patch: preconditions, server-owned fields, validation, ownership. */
  private write(type: ResourceType, live: KubeObject, change: (current: KubeObject) => KubeObject, options: WriteOptions, subresource?: string, ownerSubresource = subresource): KubeObject {
    if (subresource === 'scale') return this.writeScale(type, live, change, options);
    const requested = change(deepClone(live));
    if (!isPlainObject(requested) || !isPlainObject(requested.metadata)) throw errors.badRequest('the body of the request was in an unknown format');
    const expectedVersion = requested.metadata.resourceVersion;
    if (expectedVersion && expectedVersion !== live.metadata.resourceVersion) throw errors.conflict(type, live.metadata.name!);
    let next: KubeObject;
    if (subresource === 'status') next = { ...deepClone(live), status: requested.status };
    else {
      next = requested;
      next.apiVersion = live.apiVersion;
      next.kind = live.kind;
      if (STATUS_SUBRESOURCE_KINDS.has(type.kind)) next.status = deepClone(live.status);
      if (live.metadata.deletionTimestamp) next.metadata.deletionTimestamp = live.metadata.deletionTimestamp;
    }
    next.metadata.name = live.metadata.name;
    next.metadata.namespace = live.metadata.namespace;
    next.metadata.uid = live.metadata.uid;
    next.metadata.creationTimestamp = live.metadata.creationTimestamp;
    next.metadata.generation = live.metadata.generation;
    if (type.hasGeneration && !deepEqual(live.spec, next.spec)) next.metadata.generation = (live.metadata.generation ?? 0) + 1;
    foldStringData(next);
    validate(type, next, live);
    if (options.fieldManager) recordUpdate(live, next, options.fieldManager, ownerSubresource);
    if (options.dryRun) return { ...next, metadata: { ...next.metadata, resourceVersion: live.metadata.resourceVersion } };
    return this.store.put(type, next);
  }

  private scaleOf(type: ResourceType, object: KubeObject): KubeObject {
    const { name, namespace, uid, resourceVersion, creationTimestamp } = object.metadata;
    return {
      kind: 'Scale',
      apiVersion: 'autoscaling/v1',
      metadata: { name, namespace, uid, resourceVersion, creationTimestamp },
      spec: { replicas: object.spec?.replicas ?? 0 },
      status: { replicas: object.status?.replicas ?? 0, selector: labelSelectorText(object.spec?.selector) },
    };
  }

  private writeScale(type: ResourceType, live: KubeObject, change: (current: KubeObject) => KubeObject, options: WriteOptions): KubeObject {
    const scale = change(this.scaleOf(type, live));
    const replicas = scale?.spec?.replicas;
    if (typeof replicas !== 'number' || replicas < 0) {
      throw errors.invalid(type, live.metadata.name!, [{ field: 'spec.replicas', message: `Invalid value: ${JSON.stringify(replicas)}: must be greater than or equal to 0` }]);
    }
    const expected = scale.metadata?.resourceVersion;
    const updated = this.write(type, live, (current) => ({ ...current, metadata: { ...current.metadata, resourceVersion: expected }, spec: { ...current.spec, replicas } }), options, undefined, 'scale');
    return this.scaleOf(type, updated);
  }

  delete(type: ResourceType, namespace: string | undefined, name: string, options: { dryRun: boolean; propagationPolicy?: string; preconditions?: { uid?: string; resourceVersion?: string } }): KubeObject {
    const live = this.get(type, namespace, name);
    const { uid, resourceVersion } = options.preconditions ?? {};
    if ((uid && uid !== live.metadata.uid) || (resourceVersion && resourceVersion !== live.metadata.resourceVersion)) {
      throw new ApiError(409, 'Conflict', `Operation cannot be fulfilled on ${type.group ? `${type.plural}.${type.group}` : type.plural} "${name}": Precondition failed: UID in precondition: ${uid ?? ''}, UID in object meta: ${live.metadata.uid}`, { name, group: type.group, kind: type.plural });
    }
    if (!options.dryRun) {
      this.store.remove(type, namespace, name);
      if (type === NAMESPACES) this.removeNamespaceContents(name);
      if (options.propagationPolicy === 'Orphan') this.orphanDependents(live.metadata.uid!);
    }
    return {
      kind: 'Status',
      apiVersion: 'v1',
      metadata: {},
      status: 'Success',
      details: { name, group: type.group, kind: type.plural, uid: live.metadata.uid },
    } as unknown as KubeObject;
  }

  deleteCollection(type: ResourceType, namespace: string | undefined, options: ListOptions & { dryRun: boolean }): KubeObject {
    const matches = this.filter(type, namespace, options);
    const doomed = this.store.list(type, namespace).filter(matches);
    if (!options.dryRun) for (const o of doomed) this.store.remove(type, o.metadata.namespace, o.metadata.name!);
    return { kind: `${type.kind}List`, apiVersion: groupVersion(type), metadata: { resourceVersion: this.store.resourceVersion }, items: doomed as unknown as Json };
  }

  private removeNamespaceContents(namespace: string): void {
    for (const type of RESOURCE_TYPES.filter((t) => t.namespaced)) {
      for (const object of this.store.list(type, namespace)) this.store.remove(type, namespace, object.metadata.name!);
    }
  }

  private orphanDependents(ownerUid: string): void {
    for (const type of RESOURCE_TYPES) {
      for (const object of this.store.list(type)) {
        const refs = object.metadata.ownerReferences ?? [];
        if (!refs.some((r) => r.uid === ownerUid)) continue;
        object.metadata.ownerReferences = refs.filter((r) => r.uid !== ownerUid);
        this.store.put(type, object);
      }
    }
  }
}
