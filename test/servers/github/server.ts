/**
 * A local GitHub REST API for tests: node:http on a free loopback port, reached by real clients
 * (octokit through @actions/github) via `GITHUB_API_URL`. It speaks GitHub's wire format: JSON
 * bodies, `Authorization: Bearer|token <t>` (401 `Bad credentials` otherwise), error bodies
 * `{message, documentation_url, status}`, and page-number pagination with `per_page` (default 30,
 * max 100), `page` and a `Link` header whose URLs use `/repositories/{id}/…` as GitHub's do.
 *
 * Routes: `GET /repos/{owner}/{repo}/commits/{ref}/check-runs` (and `/repositories/{id}/…`, where
 * the Link URLs lead), with the filters `check_name`, `status` and `filter=latest|all`. Other tests
 * add their routes with `route()`, reusing `json`, `fail` and `paginate` to answer the same way.
 *
 * Not emulated: rate limits and their headers, ETags/conditional requests, GitHub Apps and token
 * scopes or permissions (any known token may read any repository), GraphQL, check suites, and the
 * `app_id` filter.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface RecordedRequest {
  method: string;
  /** Path and query, as received. */
  url: string;
  headers: IncomingMessage['headers'];
  body: string;
}

export interface CheckRun {
  id: number;
  name: string;
  head_sha: string;
  status: 'queued' | 'in_progress' | 'completed' | 'waiting' | 'requested' | 'pending';
  conclusion: 'success' | 'failure' | 'neutral' | 'cancelled' | 'skipped' | 'timed_out' | 'action_required' | 'stale' | null;
  started_at: string | null;
  completed_at: string | null;
  [field: string]: unknown;
}

export type CheckRunInput = Pick<CheckRun, 'name'> & Partial<Omit<CheckRun, 'id'>>;

/** What a route handler gets; `params` are the `{name}` parts of its path pattern. */
export interface RouteRequest {
  method: string;
  url: URL;
  params: Record<string, string>;
  body: string;
  headers: IncomingMessage['headers'];
}

export interface RouteResponse {
  status: number;
  body?: unknown;
  headers?: Record<string, string>;
}

export type RouteHandler = (request: RouteRequest, server: GitHubServer) => RouteResponse | Promise<RouteResponse>;

/** A fault answered instead of the normal response, for requests whose path matches. */
export interface Fault {
  status: number;
  body?: unknown;
  headers?: Record<string, string>;
  /** Only for paths containing this text; every path when not given. */
  pathIncludes?: string;
  /** How many requests it answers; then it is removed (every request when not given). */
  times?: number;
}

export interface GitHubServer {
  url: string;
  requests: RecordedRequest[];
  /** Tokens that authenticate; any other gets 401. */
  tokens: Set<string>;
  /** Adds a check run on the commit `head_sha` of `repository` ('owner/name'); returns it. */
  addCheckRun(repository: string, run: CheckRunInput): CheckRun;
  /** Makes `ref` (a branch or tag name) resolve to `sha` in `repository`. */
  setRef(repository: string, ref: string, sha: string): void;
  /** Resolves a SHA, a full SHA's prefix or a ref name to a known commit, or undefined (404). */
  resolveRef(repository: string, ref: string): string | undefined;
  route(method: string, pattern: string, handler: RouteHandler): void;
  injectFault(fault: Fault): void;
  stop(): Promise<void>;
}

export interface StartOptions {
  tokens?: string[];
}

const DOCS = 'https://docs.github.com/rest';

/** GitHub's error body. */
export function fail(status: number, message: string, documentationUrl = DOCS): RouteResponse {
  return { status, body: { message, documentation_url: documentationUrl, status: String(status) } };
}

export function json(body: unknown, status = 200, headers: Record<string, string> = {}): RouteResponse {
  return { status, body, headers };
}

/**
 * One page of `items` as GitHub pages lists: `per_page` (1–100, default 30) and `page` (from 1),
 * with a `Link` header (`next`, `last`, `first`, `prev` as they apply). `linkPath` is the path the
 * links use (GitHub's use `/repositories/{id}/…`).
 */
export function paginate<T>(items: T[], request: RouteRequest, baseUrl: string, linkPath: string): { items: T[]; headers: Record<string, string> } {
  const perPage = Math.min(100, Math.max(1, Number(request.url.searchParams.get('per_page')) || 30));
  const page = Math.max(1, Number(request.url.searchParams.get('page')) || 1);
  const lastPage = Math.max(1, Math.ceil(items.length / perPage));
  const link = (target: number) => {
    const query = new URLSearchParams(request.url.searchParams);
    query.set('per_page', String(perPage));
    query.set('page', String(target));
    return `<${baseUrl}${linkPath}?${query}>`;
  };
  const links: string[] = [];
  if (page > 1) links.push(`${link(page - 1)}; rel="prev"`);
  if (page < lastPage) links.push(`${link(page + 1)}; rel="next"`, `${link(lastPage)}; rel="last"`);
  if (page > 1) links.push(`${link(1)}; rel="first"`);
  const headers: Record<string, string> = links.length ? { link: links.join(', ') } : {};
  return { items: items.slice((page - 1) * perPage, page * perPage), headers };
}

interface Repository {
  id: number;
  refs: Map<string, string>;
  commits: Set<string>;
  checkRuns: CheckRun[];
}

interface Route {
  method: string;
  pattern: RegExp;
  names: string[];
  handler: RouteHandler;
}

/** `/repos/{owner}/{repo}` → a regexp with one group per `{name}` segment (a segment never holds `/`). */
function compile(pattern: string): { pattern: RegExp; names: string[] } {
  const names: string[] = [];
  const segments = pattern.split('/').map((segment) => {
    const name = /^\{(\w+)\}$/.exec(segment)?.[1];
    if (!name) return segment.replace(/[.*+?^$()|[\]\\{}]/g, '\\$&');
    names.push(name);
    return '([^/]+)';
  });
  return { pattern: new RegExp(`^${segments.join('/')}$`), names };
}

function listCheckRunsForRef(request: RouteRequest, server: GitHubServer, repositories: Map<string, Repository>): RouteResponse {
  const { owner, repo, id, ref } = request.params;
  // Reached as /repos/{owner}/{repo}/… or, following a Link header, /repositories/{id}/….
  const name = id ? [...repositories].find(([, r]) => String(r.id) === id)?.[0] : `${owner}/${repo}`;
  const repository = name ? repositories.get(name) : undefined;
  const sha = repository && server.resolveRef(name!, ref);
  if (!repository || !sha) return fail(404, 'Not Found', `${DOCS}/checks/runs#list-check-runs-for-a-git-reference`);
  const query = request.url.searchParams;
  let runs = repository.checkRuns.filter((run) => run.head_sha === sha);
  if (query.get('check_name')) runs = runs.filter((run) => run.name === query.get('check_name'));
  if (query.get('status')) runs = runs.filter((run) => run.status === query.get('status'));
  if ((query.get('filter') ?? 'latest') === 'latest') {
    // The most recent run of each name (a re-run replaces the earlier one).
    const latest = new Map<string, CheckRun>();
    for (const run of runs) if ((latest.get(run.name)?.id ?? -1) < run.id) latest.set(run.name, run);
    runs = runs.filter((run) => latest.get(run.name) === run);
  }
  runs = [...runs].sort((a, b) => b.id - a.id);
  const page = paginate(runs, request, server.url, `/repositories/${repository.id}/commits/${ref}/check-runs`);
  return json({ total_count: runs.length, check_runs: page.items }, 200, page.headers);
}

export async function start(options: StartOptions = {}): Promise<GitHubServer> {
  const repositories = new Map<string, Repository>();
  const routes: Route[] = [];
  const faults: Fault[] = [];
  let nextId = 4_000_000_001;
  let nextRepositoryId = 186_853_002;

  const repositoryOf = (name: string): Repository => {
    let repository = repositories.get(name);
    if (!repository) {
      repository = { id: nextRepositoryId++, refs: new Map(), commits: new Set(), checkRuns: [] };
      repositories.set(name, repository);
    }
    return repository;
  };

  const httpServer = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const body = Buffer.concat(chunks).toString('utf8');
      server.requests.push({ method: req.method ?? 'GET', url: req.url ?? '/', headers: req.headers, body });
      void answer(req, body).then((response) => send(res, response));
    });
  });

  async function answer(req: IncomingMessage, body: string): Promise<RouteResponse> {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    const fault = faults.find((f) => !f.pathIncludes || url.pathname.includes(f.pathIncludes));
    if (fault) {
      if (fault.times !== undefined && --fault.times <= 0) faults.splice(faults.indexOf(fault), 1);
      return { status: fault.status, body: fault.body ?? fail(fault.status, 'Injected fault').body, headers: fault.headers };
    }
    const credentials = /^(?:Bearer|token) (.+)$/i.exec(req.headers.authorization ?? '');
    if (!credentials || !server.tokens.has(credentials[1])) return fail(401, 'Bad credentials');
    for (const route of routes) {
      const match = route.method === req.method ? route.pattern.exec(url.pathname) : null;
      if (!match) continue;
      const params = Object.fromEntries(route.names.map((name, i) => [name, decodeURIComponent(match[i + 1])]));
      try {
        return await route.handler({ method: req.method ?? 'GET', url, params, body, headers: req.headers }, server);
      } catch (error) {
        return fail(500, `Server error: ${(error as Error).message}`);
      }
    }
    return fail(404, 'Not Found');
  }

  function send(res: ServerResponse, response: RouteResponse): void {
    const text = response.body === undefined ? '' : JSON.stringify(response.body);
    res.writeHead(response.status, {
      'content-type': 'application/json; charset=utf-8',
      'x-github-media-type': 'github.v3; format=json',
      'x-github-api-version-selected': '2022-11-28',
      ...response.headers,
    });
    res.end(text);
  }

  await new Promise<void>((ready) => httpServer.listen(0, '127.0.0.1', ready));
  const { port } = httpServer.address() as AddressInfo;

  const server: GitHubServer = {
    url: `http://127.0.0.1:${port}`,
    requests: [],
    tokens: new Set(options.tokens ?? []),
    addCheckRun(repository, input) {
      const now = new Date().toISOString();
      const completed = (input.status ?? 'completed') === 'completed';
      const run: CheckRun = {
        id: nextId++,
        head_sha: '',
        status: 'completed',
        conclusion: completed ? 'success' : null,
        started_at: now,
        completed_at: completed ? now : null,
        output: { title: null, summary: null, text: null, annotations_count: 0 },
        check_suite: { id: 5_000_000_001 },
        app: { id: 15368, slug: 'github-actions', name: 'GitHub Actions' },
        pull_requests: [],
        ...input,
      };
      run.node_id = `CR_${run.id}`;
      run.external_id = run.external_id ?? '';
      run.url = `${server.url}/repos/${repository}/check-runs/${run.id}`;
      run.html_url = `https://github.com/${repository}/runs/${run.id}`;
      run.details_url = run.details_url ?? run.html_url;
      const target = repositoryOf(repository);
      target.commits.add(run.head_sha);
      target.checkRuns.push(run);
      return run;
    },
    setRef(repository, ref, sha) {
      const target = repositoryOf(repository);
      target.refs.set(ref, sha);
      target.commits.add(sha);
    },
    resolveRef(repository, ref) {
      const target = repositories.get(repository);
      if (!target) return undefined;
      const named = target.refs.get(ref.replace(/^refs\/(heads|tags)\//, ''));
      if (named) return named;
      if (!/^[0-9a-f]{7,40}$/.test(ref)) return undefined;
      return [...target.commits].find((sha) => sha.startsWith(ref));
    },
    route(method, pattern, handler) {
      routes.push({ method: method.toUpperCase(), ...compile(pattern), handler });
    },
    injectFault(fault) {
      faults.push({ ...fault });
    },
    stop() {
      httpServer.closeAllConnections();
      return new Promise((done) => httpServer.close(() => done()));
    },
  };
  for (const path of ['/repos/{owner}/{repo}/commits/{ref}/check-runs', '/repositories/{id}/commits/{ref}/check-runs']) {
    server.route('GET', path, (request, self) => listCheckRunsForRef(request, self, repositories));
  }
  return server;
}
