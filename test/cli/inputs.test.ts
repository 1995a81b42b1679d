import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs, UsageError } from '../../cli/args.js';
import { stepEnvironment } from '../../cli/environment.js';
import { collectInputs, matchInput, readInputFile } from '../../cli/inputs.js';

const declared = ['url', 'webhook-url', 'fail-on-error'];
const dir = mkdtempSync(join(tmpdir(), 'cli-inputs-'));
const file = (name: string, text: string) => {
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
};

describe('parseArgs', () => {
  it('separates the action, the command options and the inputs', () => {
    expect(parseArgs(['smoke-test', '--url', 'http://a', '--attempts=3', '--workspace', '/w', '--input-file', 'a.yml', '--input-file=b.yml'])).toEqual({
      action: 'smoke-test',
      help: false,
      options: { workspace: '/w' },
      inputFiles: ['a.yml', 'b.yml'],
      flags: [
        { name: 'url', value: 'http://a' },
        { name: 'attempts', value: '3' },
      ],
    });
  });

  it.each([
    [['smoke-test', '--url'], '--url needs a value'],
    [['smoke-test', '--url', '--attempts', '3'], 'write --url=--attempts'],
    [['smoke-test', 'extra'], "Unexpected argument 'extra'"],
  ])('%j is a usage error', (argv, message) => {
    expect(() => parseArgs(argv)).toThrow(UsageError);
    expect(() => parseArgs(argv)).toThrow(message);
  });

  it('takes a value that starts with -- in the --name=value form', () => {
    expect(parseArgs(['x', '--message=--quiet']).flags).toEqual([{ name: 'message', value: '--quiet' }]);
  });
});

describe('collectInputs', () => {
  it('lets flags win over input files, and input files over INPUT_* variables', () => {
    const inputs = file('precedence.yml', 'url: http://file\nfail-on-error: false\n');
    const given = collectInputs(declared, {
      flags: [{ name: 'url', value: 'http://flag' }],
      inputFiles: [inputs],
      env: { INPUT_URL: 'http://env', INPUT_FAIL_ON_ERROR: 'true', INPUT_WEBHOOK_URL: 'http://hook' },
    });
    expect(given.values).toEqual({ url: 'http://flag', 'fail-on-error': 'false', 'webhook-url': 'http://hook' });
    expect(given.sources).toEqual({ url: '--url', 'fail-on-error': inputs, 'webhook-url': '$INPUT_WEBHOOK_URL' });
  });

  it('prefers the runner spelling INPUT_WEBHOOK-URL over INPUT_WEBHOOK_URL, and ignores variables of no input', () => {
    const given = collectInputs(declared, { flags: [], inputFiles: [], env: { INPUT_WEBHOOK_URL: 'b', 'INPUT_WEBHOOK-URL': 'a', INPUT_NOPE: 'x' } });
    expect(given.values).toEqual({ 'webhook-url': 'a' });
    expect(given.ignoredVariables).toEqual(['INPUT_NOPE']);
  });

  it('joins a repeated flag into a multi-line value; a later input file wins', () => {
    const first = file('first.yml', 'url: http://first\n');
    const second = file('second.yml', 'fail-on-error: true\nurl: |\n  http://a\n  http://b\n');
    expect(collectInputs(declared, { flags: [], inputFiles: [first, second], env: {} }).values.url).toBe('http://a\nhttp://b\n');
    const flags = [
      { name: 'url', value: 'http://a' },
      { name: 'url', value: 'http://b' },
    ];
    expect(collectInputs(declared, { flags, inputFiles: [first], env: {} }).values.url).toBe('http://a\nhttp://b');
  });

  it('names the declared inputs when a flag or a file key is unknown', () => {
    expect(() => collectInputs(declared, { flags: [{ name: 'uri', value: 'x' }], inputFiles: [], env: {} })).toThrow(
      "Unknown input 'uri' (--uri); its inputs are: url, webhook-url, fail-on-error",
    );
    const bad = file('bad.yml', 'urls: x\n');
    expect(() => collectInputs(declared, { flags: [], inputFiles: [bad], env: {} })).toThrow(`Unknown input 'urls' (in ${bad})`);
  });

  it('matches case-insensitively, with _ for -', () => {
    expect(matchInput(declared, 'WEBHOOK_URL')).toBe('webhook-url');
    expect(matchInput(declared, 'Fail_On-Error')).toBe('fail-on-error');
    expect(matchInput(declared, 'webhook')).toBeUndefined();
  });
});

describe('readInputFile', () => {
  it('reads scalars as a with: block would', () => {
    expect(readInputFile(file('scalars.yml', 'a: 3\nb: true\nc:\nd: "x"\n'))).toEqual({ a: '3', b: 'true', c: '', d: 'x' });
    expect(readInputFile(file('empty.yml', ''))).toEqual({});
  });

  it.each([
    ['list.yml', 'checks:\n  - url: /a\n', "Input 'checks' in"],
    ['top.yml', '- a\n', 'must be a YAML map'],
    ['broken.yml', 'a: [\n', 'Cannot read --input-file'],
  ])('rejects %s', (name, text, message) => {
    expect(() => readInputFile(file(name, text))).toThrow(message);
  });
});

describe('stepEnvironment', () => {
  it('passes the user environment except what the runner owns', () => {
    const env = stepEnvironment({
      SLACK_WEBHOOK_URL: 'h',
      KUBECONFIG: '/k',
      AWS_REGION: 'eu-west-1',
      ACTIONS_ID_TOKEN_REQUEST_URL: 'http://oidc',
      GITHUB_TOKEN: 't',
      RUNNER_DEBUG: '1',
      GITHUB_OUTPUT: '/real/runner/output',
      GITHUB_REF: 'refs/heads/x',
      RUNNER_TEMP: '/tmp/r',
      INPUT_URL: 'u',
      NODE_OPTIONS: '--import=x',
      npm_config_cache: '/c',
    });
    expect(env).toEqual({
      SLACK_WEBHOOK_URL: 'h',
      KUBECONFIG: '/k',
      AWS_REGION: 'eu-west-1',
      ACTIONS_ID_TOKEN_REQUEST_URL: 'http://oidc',
      GITHUB_TOKEN: 't',
      RUNNER_DEBUG: '1',
    });
  });
});
