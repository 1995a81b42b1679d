import { isImageReference } from '../../actions/lib/image-ref.js';

test.each([
  'nginx', 'sunday/web:v1', 'ghcr.io/sunday/app:1.2.3', 'localhost:5000/app', '127.0.0.1:5000/sunday/app:main',
  `123456789012.dkr.ecr.eu-west-1.amazonaws.com/backend@sha256:${'a'.repeat(64)}`, `app:1.0@sha256:${'0'.repeat(64)}`,
])('%p is an image reference', (value) => {
  expect(isImageReference(value)).toBe(true);
});

test.each([
  // repo-root: allowed — hostile image references, never opened as paths
  '', '-rm', '--help', 'Sunday/App', 'app:', 'app@sha256:short', 'a b', 'ünïcödé', '../../etc/passwd', '/abs/path', 'http://host/app',
  '$(id)', 'app;rm -rf /', 'line1\nline2', 'x'.repeat(600),
])('%p is not', (value) => {
  expect(isImageReference(value)).toBe(false);
});

test('a 100 KB hostile value is refused at once (length first: the host pattern backtracks)', () => {
  const started = performance.now();
  expect(isImageReference(`${'a-'.repeat(50_000)}!`)).toBe(false);
  expect(performance.now() - started).toBeLessThan(100);
});
