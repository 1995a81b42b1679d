/** The emulator's pod servers: /metrics in Prometheus's text format, and the deterministic fault modes errors:<N> and latency:<ms>. Emulator only: pod servers without any API server (the node agent runs the same ones on the real cluster). */
import { PodRuntime } from '../servers/kube/pods.js';
import { isImageMode, type ImageMode } from '../servers/kube/types.js';
import { request } from '../deploy/traffic.js';

const runtime = new PodRuntime((image): ImageMode => (image.includes(':errors') ? 'errors:4' : image.includes(':slow') ? 'latency:150' : 'ok'), 300);
afterAll(() => runtime.stopAll());

async function statuses(url: string, count: number): Promise<number[]> {
  const seen: number[] = [];
  for (let i = 0; i < count; i++) seen.push(await request(url).then(() => 200, (error: Error) => Number(error.message.replace('HTTP ', ''))));
  return seen;
}

test('errors:4 answers every 4th request with 500; /metrics counts them by code and method, not itself', async () => {
  const port = await runtime.start('uid-1', 'web-green-1', 'sunday/web:errors');
  const url = `http://127.0.0.1:${port}`;
  expect(await statuses(`${url}/`, 8)).toEqual([200, 200, 200, 500, 200, 200, 200, 500]);
  const first = await (await fetch(`${url}/metrics`)).text();
  const response = await fetch(`${url}/metrics`);
  expect(response.headers.get('content-type')).toBe('text/plain; version=0.0.4; charset=utf-8');
  const text = await response.text();
  expect(text).toBe(first);
  expect(text).toContain('http_requests_total{code="200",method="GET"} 6\n');
  expect(text).toContain('http_requests_total{code="500",method="GET"} 2\n');
  expect(text).toContain('http_request_duration_seconds_count 8\n');
  expect(text).toContain('# TYPE http_request_duration_seconds histogram\n');
});

test('latency:150 answers each request 150 ms later, and the histogram records it', async () => {
  const port = await runtime.start('uid-2', 'web-green-2', 'sunday/web:slow');
  const started = performance.now();
  expect(await request(`http://127.0.0.1:${port}/`)).toBe('slow');
  expect(performance.now() - started).toBeGreaterThanOrEqual(145);
  const text = await (await fetch(`http://127.0.0.1:${port}/metrics`)).text();
  expect(text).toContain('http_request_duration_seconds_bucket{le="0.1"} 0\n');
  // The server shares this test's event loop, so on a loaded machine the answer can come later
  // than 150 ms: the one observation must sit in the first bucket that holds the recorded time.
  const seconds = Number(/^http_request_duration_seconds_sum (\S+)$/m.exec(text)?.[1]);
  expect(seconds).toBeGreaterThanOrEqual(0.145);
  const buckets = [...text.matchAll(/^http_request_duration_seconds_bucket\{le="([^"]+)"\} (\d+)$/gm)].map(([, le, count]) => ({ le: Number(le), count: Number(count) }));
  const holding = buckets.findIndex((bucket) => bucket.le >= seconds);
  expect(buckets[holding].count).toBe(1);
  expect(buckets[holding - 1].count).toBe(0);
});

test.each([
  ['errors:20', true],
  ['latency:300', true],
  ['slow', true],
  ['errors:0', false],
  ['errors:x', false],
  ['latency:-1', false],
  ['fast', false],
])('%s is an image mode: %p', (mode, valid) => {
  expect(isImageMode(mode)).toBe(valid);
});
