import { join } from 'node:path';
import { loadActionMetadata, resolveInputs, inputEnvName } from '../../runner/index.js';
import { repoRoot } from '../harness.js';

describe('action.yml', () => {
  const metadata = loadActionMetadata(join(repoRoot, 'validate-release'));

  test('every action declares node24 and a bundle under dist/', () => {
    for (const name of ['smoke-test', 'slack-notify', 'trivy-gate', 'validate-release', 'build-multiarch', 'blue-green-deploy', 'canary-deploy']) {
      const action = loadActionMetadata(join(repoRoot, name));
      expect(action.runs.using).toBe('node24');
      expect(action.mainPath).toBe(join(repoRoot, 'dist', name, 'index.js'));
    }
  });

  test('defaults fill inputs not given; ${{ github.token }} becomes the caller token', () => {
    const { inputs, unexpected } = resolveInputs(metadata, { tag: 'v1.0.0', bogus: 'x' }, 'ghs_token');
    expect(inputs['tag-prefix']).toBe('v');
    expect(inputs['github-token']).toBe('ghs_token');
    expect(inputs.tag).toBe('v1.0.0');
    expect(unexpected).toEqual(['bogus']);
  });

  test('a declared input without a default is set to the empty string, as GitHub does', () => {
    const { inputs } = resolveInputs(metadata, {}, 'ghs_token');
    expect(inputs['required-checks']).toBe('');
    expect(inputs.tag).toBe('');
  });

  test('any other expression in a default is an error naming it', () => {
    const custom = { ...metadata, inputs: { ref: { default: '${{ github.ref }}' } } };
    expect(() => resolveInputs(custom, {}, 't')).toThrow("The default of input 'ref' uses ${{ github.ref }}");
  });

  test('input variables are upper-cased with spaces to underscores, hyphens kept', () => {
    expect(inputEnvName('webhook-url')).toBe('INPUT_WEBHOOK-URL');
    expect(inputEnvName('my input')).toBe('INPUT_MY_INPUT');
  });
});
