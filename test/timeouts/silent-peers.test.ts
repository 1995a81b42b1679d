/**
 * Every AWS, GitHub and runner request has a timeout: against a server that accepts the connection
 * and never answers, each client gives up on its own (short timeouts here; the defaults are named).
 */
import { createServer, type Server, type Socket } from 'node:net';
import { ECRClient } from '@aws-sdk/client-ecr';
import { AWS_REQUEST_TIMEOUTS } from '../../actions/lib/aws/credentials.js';
import { getEcrLogin } from '../../actions/lib/aws/ecr.js';
import { fetchIdToken, ID_TOKEN_TIMEOUT_MS } from '../../actions/lib/aws/id-token.js';
import { GITHUB_REQUEST_TIMEOUT_MS, timedFetch } from '../../actions/lib/github-fetch.js';

let server: Server;
let url: string;
const sockets: Socket[] = [];
beforeAll(async () => {
  server = createServer((socket) => sockets.push(socket)); // accepts, reads nothing, answers nothing
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  url = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
});
afterAll(async () => {
  for (const socket of sockets) socket.destroy();
  await new Promise((done) => server.close(done));
});

const within = async (ms: number, work: () => Promise<unknown>) => {
  const started = performance.now();
  await expect(work()).rejects.toThrow();
  expect(performance.now() - started).toBeLessThan(ms);
};

test('the defaults are bounded', () => {
  expect(AWS_REQUEST_TIMEOUTS).toEqual({ connectionTimeout: 5_000, requestTimeout: 15_000, throwOnRequestTimeout: true });
  expect([ID_TOKEN_TIMEOUT_MS, GITHUB_REQUEST_TIMEOUT_MS]).toEqual([10_000, 30_000]);
});

test("the job's OIDC token request times out on each attempt, and the attempts are bounded", async () => {
  const env = { ACTIONS_ID_TOKEN_REQUEST_URL: `${url}/token?api-version=2.0`, ACTIONS_ID_TOKEN_REQUEST_TOKEN: 'request-token' };
  await within(5_000, () => fetchIdToken('sts.amazonaws.com', env, { timeoutMs: 300, attempts: 2, retryBaseMs: 10 }));
  await expect(fetchIdToken('sts.amazonaws.com', env, { timeoutMs: 200, attempts: 1 })).rejects.toThrow('timed out after 200 ms');
});

test('an ECR client made by the suite times out against a silent endpoint', async () => {
  const previous = process.env.AWS_ENDPOINT_URL_ECR;
  process.env.AWS_ENDPOINT_URL_ECR = url;
  try {
    await within(10_000, () =>
      getEcrLogin(
        { region: 'eu-west-1', credentials: { accessKeyId: 'AKIAEXAMPLE', secretAccessKey: 'secret', sessionToken: 'session' } },
        { requestTimeouts: { connectionTimeout: 200, requestTimeout: 300, throwOnRequestTimeout: true }, setSecret: () => undefined },
      ),
    );
  } finally {
    if (previous === undefined) delete process.env.AWS_ENDPOINT_URL_ECR;
    else process.env.AWS_ENDPOINT_URL_ECR = previous;
  }
  expect(ECRClient).toBeDefined();
});

test('a GitHub API request through the suite fetch times out', async () => {
  await within(5_000, () => timedFetch(300)(`${url}/repos/o/r/commits/abc/check-runs`));
});
