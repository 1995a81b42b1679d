import { isSecretVariable, redactUrl, redactUrls, urlSecrets } from '../../actions/lib/secret-names.js';

test.each([
  ['SLACK_BOT_TOKEN', true], ['AWS_SECRET_ACCESS_KEY', true], ['db_password', true], ['DEPLOY_KEY', true],
  ['SLACK_WEBHOOK_URL', true], ['GCP_CREDENTIALS', true], ['GITHUB_SHA', false], ['COMMIT_AUTHOR', false], ['PLAIN', false],
])('variable %p holds a secret: %p', (name, secret) => {
  expect(isSecretVariable(name)).toBe(secret);
});

test('a URL gives up its password and secret query values, raw and decoded', () => {
  expect(urlSecrets('https://deploy:p%40ss@api.example.com/x?token=a%2Fb&page=2&X-Amz-Signature=f00d')).toEqual(['p%40ss', 'p@ss', 'a%2Fb', 'a/b', 'f00d']);
  expect(urlSecrets('https://api.example.com/healthz?page=2')).toEqual([]);
  expect(urlSecrets('not a url')).toEqual([]);
});

test.each([
  ['http://user:pw@host:8080/a?token=t0k&page=2#frag', 'http://user:***@host:8080/a?token=***&page=2#frag'],
  ['https://host/x?api_key=k&sig=s', 'https://host/x?api_key=***&sig=***'],
  ['https://host/healthz?page=2', 'https://host/healthz?page=2'],
  ['https://user@host/', 'https://user@host/'],
  ['/relative?token=x', '/relative?token=x'],
])('redactUrl(%p) → %p', (url, shown) => {
  expect(redactUrl(url)).toBe(shown);
});

test('URLs inside a message are redacted; a 100 KB text without one is handled in linear time', () => {
  expect(redactUrls("GET http://u:secret@h/x?token=abc failed (http://h/ok)")).toBe('GET http://u:***@h/x?token=*** failed (http://h/ok)');
  const hostile = 'a.'.repeat(50_000) + 'a';
  const started = performance.now();
  expect(redactUrls(hostile)).toBe(hostile);
  expect(performance.now() - started).toBeLessThan(1000);
});
