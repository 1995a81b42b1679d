import { parseKeyValueFile, processCommands, findLeaks, mask } from '../../runner/index.js';

describe('GITHUB_OUTPUT and GITHUB_ENV files', () => {
  test('reads name=value and the multi-line <<delimiter form', () => {
    const text = 'passed=true\nresults<<ghadelimiter_1\n[\n  {"a": "b=c"}\n]\nghadelimiter_1\nempty=\n';
    expect(parseKeyValueFile(text)).toEqual({ passed: 'true', results: '[\n  {"a": "b=c"}\n]', empty: '' });
  });

  test('a value may hold = and << after the name', () => {
    expect(parseKeyValueFile('url=http://x/?a=b<<c\n')).toEqual({ url: 'http://x/?a=b<<c' });
  });

  test('a heredoc without its closing delimiter is an error', () => {
    expect(() => parseKeyValueFile('notes<<EOF\nline\n')).toThrow("Matching delimiter not found 'EOF'");
  });
});

describe('workflow commands on stdout', () => {
  test('masks registered values from the mask on and hides the mask command', () => {
    const out = processCommands('::add-mask::s3cret\ntoken is s3cret\n::error file=a.ts,line=3::bad s3cret%0Anext\n');
    expect(out.masks).toEqual(['s3cret']);
    expect(out.log).toBe('token is ***\n::error file=a.ts,line=3::bad ***%0Anext\n');
    expect(out.annotations).toEqual([{ level: 'error', message: 'bad ***\nnext', properties: { file: 'a.ts', line: '3' } }]);
  });

  test('finds a secret printed before it was masked', () => {
    const stdout = 'using s3cret\n::add-mask::s3cret\nagain s3cret\n';
    expect(findLeaks(stdout, ['s3cret'])).toEqual(['using s3cret']);
    expect(findLeaks('::add-mask::s3cret\nagain s3cret\n', ['s3cret'])).toEqual([]);
  });

  test('masks each line of a multi-line secret', () => {
    expect(mask('a line1 b line2', ['line1\nline2'])).toBe('a *** b ***');
  });
});
