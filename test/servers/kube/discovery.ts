/**
 * Discovery documents (legacy, non-aggregated: clients fall back to them) and the minimal OpenAPI
 * v3 kubectl reads before `apply`: one document per group version whose PATCH operations declare
 * `fieldValidation`, so kubectl leaves validation to the server. `/openapi/v2` is a 404, which
 * kubectl tolerates.
 */
import { RESOURCE_TYPES, apiResources, groupVersion, groupVersions } from './resources.js';

export const VERSION_INFO = {
  major: '1',
  minor: '32',
  gitVersion: 'v1.32.0',
  gitCommit: '0000000000000000000000000000000000000000',
  gitTreeState: 'clean',
  buildDate: '2024-12-11T00:00:00Z',
  goVersion: 'go1.23.3',
  compiler: 'gc',
  platform: 'linux/amd64',
};

export function apiVersions(serverAddress: string): object {
  return { kind: 'APIVersions', versions: ['v1'], serverAddressByClientCIDRs: [{ clientCIDR: '0.0.0.0/0', serverAddress }] };
}

function apiGroup(name: string): object {
  const versions = groupVersions()
    .filter((gv) => gv.group === name)
    .map((gv) => ({ groupVersion: groupVersion(gv), version: gv.version }));
  return { name, versions, preferredVersion: versions[0] };
}

export function apiGroupList(): object {
  const names = [...new Set(groupVersions().map((gv) => gv.group).filter((g) => g !== ''))];
  return { kind: 'APIGroupList', apiVersion: 'v1', groups: names.map(apiGroup) };
}

/** `/apis/<group>`, or undefined for a group the emulator does not serve. */
export function apiGroupDocument(group: string): object | undefined {
  if (!groupVersions().some((gv) => gv.group === group)) return undefined;
  return { kind: 'APIGroup', apiVersion: 'v1', ...apiGroup(group) };
}

/** `/api/v1`, `/apis/<group>/<version>`, or undefined. */
export function apiResourceList(group: string, version: string): object | undefined {
  const resources = apiResources(group, version);
  if (resources.length === 0) return undefined;
  return { kind: 'APIResourceList', apiVersion: 'v1', groupVersion: groupVersion({ group, version }), resources };
}

function openApiPath(gv: { group: string; version: string }): string {
  return gv.group ? `apis/${gv.group}/${gv.version}` : `api/${gv.version}`;
}

export function openApiRoot(): object {
  return {
    paths: Object.fromEntries(groupVersions().map((gv) => [openApiPath(gv), { serverRelativeURL: `/openapi/v3/${openApiPath(gv)}?hash=emulator` }])),
  };
}

/** The OpenAPI v3 document of one group version (`api/v1`, `apis/apps/v1`), or undefined. */
export function openApiDocument(path: string): object | undefined {
  const gv = groupVersions().find((candidate) => openApiPath(candidate) === path);
  if (!gv) return undefined;
  const paths: Record<string, object> = {};
  for (const type of RESOURCE_TYPES.filter((t) => t.group === gv.group && t.version === gv.version)) {
    const gvk = { group: type.group, version: type.version, kind: type.kind };
    const base = `/${path}${type.namespaced ? '/namespaces/{namespace}' : ''}/${type.plural}/{name}`;
    const query = (name: string) => ({ name, in: 'query', schema: { type: 'string', uniqueItems: true } });
    paths[base] = {
      patch: {
        operationId: `patch${type.kind}`,
        parameters: [query('dryRun'), query('fieldManager'), query('fieldValidation'), { name: 'force', in: 'query', schema: { type: 'boolean', uniqueItems: true } }],
        'x-kubernetes-action': 'patch',
        'x-kubernetes-group-version-kind': gvk,
      },
      put: {
        operationId: `replace${type.kind}`,
        parameters: [query('dryRun'), query('fieldManager'), query('fieldValidation')],
        'x-kubernetes-action': 'put',
        'x-kubernetes-group-version-kind': gvk,
      },
    };
    paths[`/${path}${type.namespaced ? '/namespaces/{namespace}' : ''}/${type.plural}`] = {
      post: {
        operationId: `create${type.kind}`,
        parameters: [query('dryRun'), query('fieldManager'), query('fieldValidation')],
        'x-kubernetes-action': 'post',
        'x-kubernetes-group-version-kind': gvk,
      },
    };
  }
  return { openapi: '3.0.0', info: { title: 'Kubernetes', version: 'v1.32.0' }, paths, components: { schemas: {} } };
}
