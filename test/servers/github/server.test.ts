/** The local GitHub REST API answers a real client (octokit from @actions/github) as GitHub does. */
import { getOctokit } from '@actions/github';
import { start, json, type GitHubServer } from './server.js';

const TOKEN = 'ghs_servertest0123456789';
const SHA = '6113728f27ae82c7b1a177c8d03f9e96e0adf246';
let server: GitHubServer;

beforeAll(async () => {
  server = await start({ tokens: [TOKEN] });
  for (let i = 0; i < 150; i++) server.addCheckRun('sunday/app', { name: `job ${i}`, head_sha: SHA });
  server.addCheckRun('sunday/app', { name: 'job 0', head_sha: SHA, status: 'in_progress' });
  server.setRef('sunday/app', 'v1.2.3', SHA);
});
afterAll(() => server.stop());
beforeEach(() => server.requests.splice(0));

const octokit = (token = TOKEN) => getOctokit(token, { baseUrl: server.url });

test('check runs for a tag, paginated with Link headers, the latest run of each name', async () => {
  const runs = await octokit().paginate('GET /repos/{owner}/{repo}/commits/{ref}/check-runs', { owner: 'sunday', repo: 'app', ref: 'v1.2.3', per_page: 100 });
  expect(runs).toHaveLength(150);
  expect(runs.find((run) => run.name === 'job 0')).toMatchObject({ status: 'in_progress', conclusion: null, head_sha: SHA });
  expect(server.requests.map((r) => r.url)).toEqual([
    '/repos/sunday/app/commits/v1.2.3/check-runs?per_page=100',
    expect.stringMatching(/^\/repositories\/\d+\/commits\/v1\.2\.3\/check-runs\?per_page=100&page=2$/),
  ]);
  expect(server.requests[0].headers.authorization).toBe(`token ${TOKEN}`);
});

test('one page: total_count, check_runs and GitHub\'s Link header', async () => {
  const response = await fetch(`${server.url}/repos/sunday/app/commits/${SHA}/check-runs?per_page=50&page=2`, { headers: { authorization: `Bearer ${TOKEN}` } });
  const body = (await response.json()) as { total_count: number; check_runs: unknown[] };
  expect(response.status).toBe(200);
  expect(body.total_count).toBe(150);
  expect(body.check_runs).toHaveLength(50);
  const link = response.headers.get('link')!;
  expect(link.split(', ').map((part) => part.replace(/^<[^>]*[?&]page=(\d+)>/, '$1'))).toEqual(['1; rel="prev"', '3; rel="next"', '3; rel="last"', '1; rel="first"']);
  // filter=all keeps the earlier run that a re-run replaced; check_name filters by name.
  const all = (await (await fetch(`${server.url}/repos/sunday/app/commits/${SHA}/check-runs?filter=all&check_name=job%200`, { headers: { authorization: `token ${TOKEN}` } })).json()) as { check_runs: Array<{ status: string }> };
  expect(all.check_runs.map((run) => run.status)).toEqual(['in_progress', 'completed']);
});

test('bad or missing credentials: 401 with GitHub\'s error body; an unknown ref: 404', async () => {
  await expect(octokit('ghs_wrong').rest.checks.listForRef({ owner: 'sunday', repo: 'app', ref: SHA })).rejects.toMatchObject({
    status: 401,
    response: { data: { message: 'Bad credentials', documentation_url: 'https://docs.github.com/rest' } },
  });
  expect((await fetch(`${server.url}/repos/sunday/app/commits/${SHA}/check-runs`)).status).toBe(401);
  await expect(octokit().rest.checks.listForRef({ owner: 'sunday', repo: 'app', ref: 'v9.9.9' })).rejects.toMatchObject({ status: 404, message: expect.stringContaining('Not Found') });
  await expect(octokit().rest.checks.listForRef({ owner: 'sunday', repo: 'other', ref: SHA })).rejects.toMatchObject({ status: 404 });
});

test('faults are injected per path and count; other tests add routes', async () => {
  server.injectFault({ status: 502, pathIncludes: '/check-runs', times: 1 });
  await expect(octokit().rest.checks.listForRef({ owner: 'sunday', repo: 'app', ref: SHA })).rejects.toMatchObject({ status: 502 });
  await expect(octokit().rest.checks.listForRef({ owner: 'sunday', repo: 'app', ref: SHA })).resolves.toMatchObject({ status: 200 });
  server.route('GET', '/repos/{owner}/{repo}/releases/latest', (request) => json({ tag_name: 'v1.2.2', name: `${request.params.owner}/${request.params.repo}` }));
  await expect(octokit().rest.repos.getLatestRelease({ owner: 'sunday', repo: 'app' })).resolves.toMatchObject({ data: { tag_name: 'v1.2.2', name: 'sunday/app' } });
});
