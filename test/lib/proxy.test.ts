/** The proxy decision for each URL: @actions/http-client's rules, which the runner's toolkit follows. */
import { bypassesProxy, proxyConfigured, proxyFor } from '../../actions/lib/proxy.js';
import { awsEndpoint } from '../../actions/lib/aws/endpoint.js';

const env = { HTTPS_PROXY: 'http://proxy.corp:3128', HTTP_PROXY: 'http://plain.corp:3128' };

test.each([
  ['https://api.github.com/repos', env, 'http://proxy.corp:3128'],
  ['http://hooks.example.com/x', env, 'http://plain.corp:3128'],
  // https uses only HTTPS_PROXY, as the toolkit does (undici's EnvHttpProxyAgent would fall back).
  ['https://api.github.com/', { HTTP_PROXY: 'http://plain.corp:3128' }, undefined],
  ['https://api.github.com/', { https_proxy: 'http://lower:1', HTTPS_PROXY: 'http://upper:2' }, 'http://lower:1'],
  ['https://api.github.com/', { HTTPS_PROXY: 'proxy.corp:3128' }, 'http://proxy.corp:3128'],
  ['http://127.0.0.1:8080/', env, undefined],
  ['http://localhost:8080/', env, undefined],
  ['http://[::1]:8080/', env, undefined],
  ['https://sts.eu-west-1.amazonaws.com/', { ...env, NO_PROXY: 'amazonaws.com' }, undefined],
  ['https://sts.eu-west-1.amazonaws.com/', { ...env, no_proxy: '.amazonaws.com', NO_PROXY: 'other' }, undefined],
  ['https://amazonaws.com.evil.example/', { ...env, NO_PROXY: 'amazonaws.com' }, 'http://proxy.corp:3128'],
  ['https://internal.corp:8443/', { ...env, NO_PROXY: 'internal.corp:443' }, 'http://proxy.corp:3128'],
  ['https://internal.corp:8443/', { ...env, NO_PROXY: ' INTERNAL.corp:8443 ' }, undefined],
  ['https://internal.corp/', { ...env, NO_PROXY: 'internal.corp:443' }, undefined],
  ['https://anything.example/', { ...env, NO_PROXY: '*' }, undefined],
  ['https://api.github.com/', {}, undefined],
])('%s with %j → %s', (url, variables, expected) => {
  expect(proxyFor(url, variables)).toBe(expected);
});

test('proxyConfigured is true only when a proxy variable is set', () => {
  expect(proxyConfigured({})).toBe(false);
  expect(proxyConfigured({ NO_PROXY: '*' })).toBe(false);
  expect(proxyConfigured({ http_proxy: 'http://p:1' })).toBe(true);
});

test('bypassesProxy without a host never bypasses', () => {
  expect(bypassesProxy(new URL('file:///x'), '*')).toBe(false);
});

test('AWS endpoints resolve as the SDK does, so the right proxy is chosen for them', () => {
  expect(awsEndpoint('ecr', 'eu-west-1', {}).href).toBe('https://api.ecr.eu-west-1.amazonaws.com/');
  expect(awsEndpoint('sts', 'cn-north-1', {}).href).toBe('https://sts.cn-north-1.amazonaws.com.cn/');
  expect(awsEndpoint('eks', 'eu-west-1', { AWS_ENDPOINT_URL: 'http://all:1', AWS_ENDPOINT_URL_EKS: 'http://eks:2' }).href).toBe('http://eks:2/');
  expect(awsEndpoint('sts', 'eu-west-1', { AWS_ENDPOINT_URL: 'http://all:1' }).href).toBe('http://all:1/');
});
