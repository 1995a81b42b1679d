/**
 * The HTTP face of the emulator: authentication, discovery, routing of resource paths to the
 * verbs of api.ts, body decoding (JSON, YAML, protobuf), Table output, watch streams, the
 * `proxy` subresources, injected faults, and the record of every request.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { Api, PATCH_TYPES, type WriteOptions } from './api.js';
import { apiGroupDocument, apiGroupList, apiResourceList, apiVersions, openApiDocument, openApiRoot, VERSION_INFO } from './discovery.js';
import { ApiError, errors } from './errors.js';
import { watchGoneEvent, type Faults } from './faults.js';
import { decodeProtobufObject, isProtobufBody } from './protobuf.js';
import { findType, type ResourceType } from './resources.js';
import { forwardHttp } from './service-proxy.js';
import type { Store, StoreEvent } from './store.js';
import { toTable } from './tables.js';
import type { Json, KubeObject } from './types.js';

export interface RecordedRequest {
  method: string;
  /** Path and query, as sent. */
  path: string;
  /** The Kubernetes verb (`get`, `list`, `watch`, `create`, …), or `discovery`/`proxy`/`other`. */
  verb: string;
  status: number;
  contentType?: string;
  userAgent?: string;
  /** Whether an Authorization header came with it (the token itself is not recorded). */
  authenticated: boolean;
  /** Which TCP connection carried it (numbered as they arrive): shows whether a client keeps connections alive. */
  connection: number;
  time: number;
}

const connectionIds = new WeakMap<object, number>();
let connectionCount = 0;

/** The number of the connection a request came on, given the first time one is seen. */
export function connectionOf(socket: object): number {
  let id = connectionIds.get(socket);
  if (id === undefined) connectionIds.set(socket, (id = ++connectionCount));
  return id;
}

export interface HttpContext {
  api: Api;
  store: Store;
  faults: Faults;
  requests: RecordedRequest[];
  /** Checks a bearer token; undefined when the server does not authenticate. */
  tokenCheck?: (token: string) => boolean | Promise<boolean>;
  /** Strict server-side apply: a fieldManager must be named. */
  strict: boolean;
  serverAddress: string;
  /** The port of a ready pod behind a Service, chosen per call. */
  pickBackend(namespace: string, service: string): number | undefined;
  podPort(namespace: string, pod: string): number | undefined;
  serviceUrl(namespace: string, service: string, port?: number): Promise<string>;
  activeWatches: Set<ServerResponse>;
}

const CRONJOBS = findType('batch', 'v1', 'cronjobs')!;
const isProtobufContent = (contentType: string) => contentType.startsWith('application/vnd.kubernetes.protobuf');

const PUBLIC_PATHS = new Set(['/version', '/healthz', '/livez', '/readyz']);

function sendJson(response: ServerResponse, code: number, body: unknown, headers: Record<string, string> = {}): void {
  const text = JSON.stringify(body);
  response.writeHead(code, { 'Content-Type': 'application/json', 'Cache-Control': 'no-cache, private', ...headers });
  response.end(text);
}

function sendError(response: ServerResponse, error: ApiError): void {
  sendJson(response, error.code, error.toStatus(), error.headers);
}

async function readBody(request: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

/**
 * A Job kubectl made from a CronJob (`create job --from=cronjob/…`) carries the CronJob's
 * `jobTemplate.spec` verbatim; taking it from the stored CronJob keeps the fields the protobuf
 * decoder does not know.
 */
function completeJobFromCronJob(store: Store, object: KubeObject, namespace: string | undefined): KubeObject {
  const owner = object.kind === 'Job' ? object.metadata.ownerReferences?.find((r) => r.kind === 'CronJob') : undefined;
  const cronJob = owner && store.get(CRONJOBS, namespace ?? object.metadata.namespace, owner.name);
  if (!cronJob || cronJob.metadata.uid !== owner.uid || !cronJob.spec?.jobTemplate?.spec) return object;
  return { ...object, spec: structuredClone(cronJob.spec.jobTemplate.spec) };
}

async function decodeBody(body: Buffer, contentType: string): Promise<Json> {
  if (contentType.startsWith('application/vnd.kubernetes.protobuf') || isProtobufBody(body)) return decodeProtobufObject(body) as unknown as Json;
  const text = body.toString('utf8');
  if (text.trim() === '') throw errors.badRequest('the body of the request was empty');
  try {
    return JSON.parse(text) as Json;
  } catch (jsonError) {
    if (!/yaml/.test(contentType)) throw errors.badRequest(`json: ${(jsonError as Error).message}`);
  }
  const { parse } = await import('yaml');
  try {
    return parse(text) as Json;
  } catch (yamlError) {
    throw errors.badRequest(`error converting YAML to JSON: ${(yamlError as Error).message}`);
  }
}

/** A resource path split into its parts: `/apis/apps/v1/namespaces/ns/deployments/web/scale`. */
interface ResourcePath {
  type: ResourceType;
  namespace?: string;
  name?: string;
  subresource?: string;
  /** After `…/proxy`: the path to forward. */
  rest: string;
}

function parseResourcePath(segments: string[]): ResourcePath | undefined {
  let group: string;
  let version: string;
  let rest: string[];
  if (segments[0] === 'api' && segments.length >= 3) [group, version, rest] = ['', segments[1], segments.slice(2)];
  else if (segments[0] === 'apis' && segments.length >= 4) [group, version, rest] = [segments[1], segments[2], segments.slice(3)];
  else return undefined;
  let namespace: string | undefined;
  if (rest[0] === 'namespaces' && rest.length >= 3 && findType(group, version, rest[2])) {
    namespace = rest[1];
    rest = rest.slice(2);
  }
  const type = findType(group, version, rest[0]);
  if (!type) return undefined;
  if (namespace !== undefined && !type.namespaced) return undefined;
  return { type, namespace, name: rest[1], subresource: rest[2], rest: '/' + rest.slice(3).join('/') };
}

function verbOf(method: string, path: ResourcePath | undefined, watch: boolean): string {
  if (!path) return 'discovery';
  if (path.subresource === 'proxy') return 'proxy';
  switch (method) {
    case 'GET':
      return path.name ? 'get' : watch ? 'watch' : 'list';
    case 'POST':
      return 'create';
    case 'PUT':
      return 'update';
    case 'PATCH':
      return 'patch';
    case 'DELETE':
      return path.name ? 'delete' : 'deletecollection';
    default:
      return 'other';
  }
}

/** The field manager the API server derives from a User-Agent when the request names none. */
function managerFromUserAgent(userAgent: string | undefined): string {
  const prefix = (userAgent ?? '').split('/')[0].trim();
  return prefix.slice(0, 128) || 'unknown';
}

export function createHandler(context: HttpContext) {
  return async (request: IncomingMessage, response: ServerResponse): Promise<void> => {
    const url = new URL(request.url ?? '/', 'http://emulator');
    const method = request.method ?? 'GET';
    const watch = ['true', '1'].includes(url.searchParams.get('watch') ?? '');
    let segments: string[];
    try {
      segments = url.pathname.split('/').filter(Boolean).map(decodeURIComponent);
    } catch {
      segments = url.pathname.split('/').filter(Boolean);
    }
    const resourcePath = parseResourcePath(segments);
    const record: RecordedRequest = {
      method,
      path: url.pathname + url.search,
      verb: verbOf(method, resourcePath, watch),
      status: 0,
      contentType: request.headers['content-type'],
      userAgent: request.headers['user-agent'],
      authenticated: !!request.headers.authorization,
      connection: connectionOf(request.socket),
      time: Date.now(),
    };
    context.requests.push(record);
    response.on('finish', () => (record.status = response.statusCode));
    response.on('close', () => (record.status ||= response.statusCode));
    try {
      await authenticate(context, request, url.pathname);
      const fault = context.faults.take(record.verb, method, record.path);
      if (fault?.kind === 'error') throw fault.error;
      if (fault?.kind === 'reset') return void request.socket.destroy();
      if (fault?.kind === 'hang') return void context.activeWatches.add(response);
      if (fault?.kind === 'watch-gone') return sendWatchError(response, fault.event);
      if (resourcePath) {
        await handleResource(context, request, response, url, resourcePath, { watch, dropAfter: fault?.kind === 'drop-watch' ? fault.afterEvents : undefined });
      } else await handleOther(context, request, response, url.pathname, segments);
    } catch (error) {
      if (response.headersSent) {
        response.destroy();
        return;
      }
      if (error instanceof ApiError) sendError(response, error);
      else sendError(response, errors.internal(error instanceof Error ? error.message : String(error)));
    }
  };
}

async function authenticate(context: HttpContext, request: IncomingMessage, pathname: string): Promise<void> {
  if (!context.tokenCheck) return;
  const header = request.headers.authorization ?? '';
  const token = /^Bearer\s+(.+)$/i.exec(header)?.[1];
  if (!token) {
    if (PUBLIC_PATHS.has(pathname)) return;
    throw errors.unauthorized();
  }
  if (!(await context.tokenCheck(token))) throw errors.unauthorized();
}

async function handleOther(context: HttpContext, request: IncomingMessage, response: ServerResponse, pathname: string, segments: string[]): Promise<void> {
  if (request.method !== 'GET') throw errors.methodNotAllowed(request.method ?? '');
  if (pathname === '/version') return sendJson(response, 200, VERSION_INFO);
  if (['/healthz', '/livez', '/readyz'].includes(pathname)) {
    response.writeHead(200, { 'Content-Type': 'text/plain; charset=utf-8' });
    response.end('ok');
    return;
  }
  if (pathname === '/api') return sendJson(response, 200, apiVersions(context.serverAddress));
  if (pathname === '/apis') return sendJson(response, 200, apiGroupList());
  if (pathname === '/openapi/v3') return sendJson(response, 200, openApiRoot());
  let document: object | undefined;
  if (segments[0] === 'openapi' && segments[1] === 'v3') document = openApiDocument(segments.slice(2).join('/'));
  else if (segments[0] === 'api' && segments.length === 2) document = apiResourceList('', segments[1]);
  else if (segments[0] === 'apis' && segments.length === 2) document = apiGroupDocument(segments[1]);
  else if (segments[0] === 'apis' && segments.length === 3) document = apiResourceList(segments[1], segments[2]);
  else if (segments[0] === 'emulator' && segments[1] === 'v1' && segments[2] === 'services' && segments.length === 5) {
    // Not a Kubernetes path: lets a standalone user (npm start) find the local port of a Service.
    const port = new URL(request.url ?? '/', 'http://emulator').searchParams.get('port');
    document = { url: await context.serviceUrl(segments[3], segments[4], port ? Number(port) : undefined) };
  }
  if (!document) throw errors.pathNotFound();
  sendJson(response, 200, document);
}

function writeOptions(context: HttpContext, request: IncomingMessage, query: URLSearchParams): WriteOptions {
  const given = query.get('fieldManager');
  return {
    fieldManager: given ?? managerFromUserAgent(request.headers['user-agent']),
    fieldManagerGiven: given !== null,
    dryRun: query.getAll('dryRun').includes('All'),
    force: query.get('force') === 'true',
    requireApplyManager: context.strict,
  };
}

function wantsTable(request: IncomingMessage): boolean {
  return /as=Table/.test(request.headers.accept ?? '');
}

async function handleResource(
  context: HttpContext,
  request: IncomingMessage,
  response: ServerResponse,
  url: URL,
  path: ResourcePath,
  options: { watch: boolean; dropAfter?: number },
): Promise<void> {
  const { api } = context;
  const { type, namespace, subresource } = path;
  const query = url.searchParams;
  const method = request.method ?? 'GET';
  if (subresource === 'proxy') return proxy(context, request, response, path, url.search);
  if (subresource && !(type.subresources ?? []).includes(subresource)) throw errors.pathNotFound();
  if (type.namespaced && namespace === undefined && path.name !== undefined) throw errors.pathNotFound();
  const name = path.name;
  const listOptions = { labelSelector: query.get('labelSelector'), fieldSelector: query.get('fieldSelector') };
  if (method === 'GET' && name === undefined && options.watch) return serveWatch(context, request, response, path, query, options.dropAfter);
  if (method === 'GET') {
    const result = name === undefined ? api.list(type, namespace, listOptions) : api.get(type, namespace, name, subresource);
    if (wantsTable(request) && subresource !== 'scale') {
      const objects = name === undefined ? (result.items as unknown as KubeObject[]) : [result];
      return sendJson(response, 200, toTable(type, objects, context.store.resourceVersion, query.get('includeObject')));
    }
    return sendJson(response, 200, result);
  }
  if (method === 'DELETE') {
    const body = await readBody(request);
    const deleteOptions = body.length ? ((await decodeBody(body, request.headers['content-type'] ?? 'application/json')) as { propagationPolicy?: string; dryRun?: string[]; preconditions?: object }) : {};
    const dryRun = query.getAll('dryRun').includes('All') || (deleteOptions.dryRun ?? []).includes('All');
    const propagationPolicy = query.get('propagationPolicy') ?? deleteOptions.propagationPolicy;
    if (name === undefined) return sendJson(response, 200, api.deleteCollection(type, namespace, { ...listOptions, dryRun }));
    return sendJson(response, 200, api.delete(type, namespace, name, { dryRun, propagationPolicy, preconditions: deleteOptions.preconditions }));
  }
  const contentType = (request.headers['content-type'] ?? 'application/json').split(';')[0].trim();
  const body = await decodeBody(await readBody(request), contentType);
  const write = writeOptions(context, request, query);
  if (method === 'POST' && name === undefined) {
    const object = isProtobufContent(contentType) ? completeJobFromCronJob(context.store, body as unknown as KubeObject, namespace) : (body as unknown as KubeObject);
    return sendJson(response, 201, api.create(type, namespace, object, write));
  }
  if (method === 'PUT' && name !== undefined) return sendJson(response, 200, api.update(type, namespace, name, body as unknown as KubeObject, write, subresource));
  if (method === 'PATCH' && name !== undefined) {
    if (!Object.values(PATCH_TYPES).includes(contentType as never)) throw errors.unsupportedMediaType(contentType);
    const existed = contentType === PATCH_TYPES.apply && !!context.store.get(type, namespace, name);
    const result = api.patch(type, namespace, name, contentType, body, write, subresource);
    return sendJson(response, contentType === PATCH_TYPES.apply && !existed ? 201 : 200, result);
  }
  throw errors.methodNotAllowed(method);
}

/** `services/[scheme:]name[:port]/proxy/<path>` and `pods/name[:port]/proxy/<path>`. */
async function proxy(context: HttpContext, request: IncomingMessage, response: ServerResponse, path: ResourcePath, search: string): Promise<void> {
  const parts = (path.name ?? '').split(':');
  const name = parts.length === 3 ? parts[1] : parts[0];
  const namespace = path.namespace ?? 'default';
  const forwardPath = path.rest + search;
  if (path.type.kind === 'Service') {
    const service = context.store.get(path.type, namespace, name);
    if (!service) throw errors.notFound(path.type, name);
    // A port the Service does not have (by name or number): the API server finds no endpoint for it.
    const port = parts.length >= 2 ? parts[parts.length - 1] : undefined;
    const ports = (service.spec?.ports ?? []) as { name?: string; port: number }[];
    if (port && !ports.some((p) => p.name === port || String(p.port) === port)) throw errors.serviceUnavailable(`no endpoints available for service "${path.name}"`);
    const backend = context.pickBackend(namespace, name);
    if (backend === undefined) throw errors.serviceUnavailable(`no endpoints available for service "${name}"`);
    return forwardHttp(request, response, backend, forwardPath);
  }
  if (!context.store.get(path.type, namespace, name)) throw errors.notFound(path.type, name);
  const port = context.podPort(namespace, name);
  if (port === undefined) throw errors.serviceUnavailable(`pod "${name}" is not running`);
  forwardHttp(request, response, port, forwardPath);
}

/** A watch a real API server cannot serve from the requested resourceVersion: 200, one ERROR event, end. */
function sendWatchError(response: ServerResponse, event: string): void {
  response.writeHead(200, { 'Content-Type': 'application/json', 'Cache-Control': 'no-cache, private', 'Transfer-Encoding': 'chunked' });
  response.end(event);
}

function serveWatch(context: HttpContext, request: IncomingMessage, response: ServerResponse, path: ResourcePath, query: URLSearchParams, dropAfter: number | undefined): void {
  const { store, api } = context;
  const { type, namespace } = path;
  const matches = api.filter(type, namespace, { labelSelector: query.get('labelSelector'), fieldSelector: query.get('fieldSelector') });
  const requested = query.get('resourceVersion');
  const sendInitialEvents = query.get('sendInitialEvents') === 'true';
  const fromScratch = !requested || requested === '0' || sendInitialEvents;
  // As a real API server: a resourceVersion older than the history gets 200 and an ERROR event with
  // a 410 Expired Status (not a 410 answer), and the client must relist.
  let backlog: StoreEvent[];
  try {
    backlog = fromScratch ? [] : store.eventsSince(type, Number(requested));
  } catch (error) {
    if (error instanceof ApiError && error.code === 410) return sendWatchError(response, watchGoneEvent(error));
    throw error;
  }
  const table = wantsTable(request);
  const includeObject = query.get('includeObject');
  let sent = 0;
  let unsubscribe = () => {};
  const timeoutTimer: { current?: NodeJS.Timeout } = {};
  const close = () => {
    unsubscribe();
    clearTimeout(timeoutTimer.current);
    context.activeWatches.delete(response);
  };
  const send = (eventType: string, object: KubeObject) => {
    const payload = table && eventType !== 'BOOKMARK' ? toTable(type, [object], object.metadata.resourceVersion ?? '', includeObject, sent === 0) : object;
    sent++;
    const cut = dropAfter !== undefined && sent >= dropAfter;
    if (cut) close();
    // A cut stream ends without its final chunk once this event is out, as a dropped connection does.
    response.write(JSON.stringify({ type: eventType, object: payload }) + '\n', () => cut && response.destroy());
  };
  const deliver = (event: StoreEvent) => {
    if (event.resource !== type) return;
    const now = matches(event.object);
    const before = event.type === 'MODIFIED' && event.previous ? matches(event.previous) : now;
    if (event.type === 'MODIFIED' && now !== before) send(now ? 'ADDED' : 'DELETED', event.object);
    else if (now) send(event.type, event.object);
  };
  response.writeHead(200, { 'Content-Type': 'application/json', 'Cache-Control': 'no-cache, private', 'Transfer-Encoding': 'chunked' });
  context.activeWatches.add(response);
  const timeoutSeconds = Number(query.get('timeoutSeconds') ?? 0);
  if (timeoutSeconds > 0) timeoutTimer.current = setTimeout(() => (close(), response.end()), timeoutSeconds * 1000);
  request.on('close', close);
  response.on('close', close);
  unsubscribe = store.subscribe(deliver);
  if (fromScratch) {
    for (const object of store.list(type, namespace).filter(matches)) {
      if (response.destroyed) return;
      send('ADDED', object);
    }
    if (sendInitialEvents) {
      send('BOOKMARK', {
        apiVersion: type.group ? `${type.group}/${type.version}` : type.version,
        kind: type.kind,
        metadata: { resourceVersion: store.resourceVersion, annotations: { 'k8s.io/initial-events-end': 'true' } },
      });
    }
  }
  for (const event of backlog) {
    if (response.destroyed) return;
    deliver(event);
  }
  response.flushHeaders();
}
