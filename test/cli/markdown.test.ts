import { renderInline, renderMarkdown, renderTable } from '../../cli/markdown.js';
import { colours, displayWidth } from '../../cli/text.js';

describe('renderTable', () => {
  it('aligns columns by their widest cell and honours the delimiter row', () => {
    const lines = renderTable(['| Name | Count | Mid |', '|---|--:|:-:|', '| a | 1 | x |', '| longer name | 1234 | wide |']);
    expect(lines).toEqual([
      'Name         Count  Mid',
      '───────────  ─────  ────',
      'a                1   x',
      'longer name   1234  wide',
    ]);
  });

  it('counts emoji as two columns so the next column lines up', () => {
    const lines = renderTable(['| | Check |', '|---|---|', '| ✅ | a |', '| ⚠️ | b |', '| x | c |']);
    const column = lines.slice(2).map((line) => displayWidth(line.slice(0, line.search(/[abc]$/))));
    expect(new Set(column).size).toBe(1);
  });

  it('turns <br> into lines of the same row and unescapes pipes', () => {
    expect(renderTable(['| Key | Value |', '|---|---|', '| a\\|b | one<br>two |', '| c | three |'])).toEqual([
      'Key  Value',
      '───  ─────',
      'a|b  one',
      '     two',
      'c    three',
    ]);
  });

  it('renders links in cells as text (url) and fills missing cells', () => {
    expect(renderTable(['| ID | Package |', '|---|---|', '| [CVE-1](https://avd.example/CVE-1) |'])).toEqual([
      `${'ID'.padEnd(33)}  Package`,
      `${'─'.repeat(33)}  ───────`,
      'CVE-1 (https://avd.example/CVE-1)',
    ]);
  });
});

describe('renderInline', () => {
  it.each([
    ['[docs](https://x.example/a)', 'docs (https://x.example/a)'],
    ['[https://x.example](https://x.example)', 'https://x.example'],
    ['<a href="https://x.example">here</a>', 'here (https://x.example)'],
    ['see <https://x.example>', 'see https://x.example'],
    ['**bold** and _no fix_ and *it*', 'bold and no fix and it'],
    ['`a|b` and \\*literal\\*', 'a|b and *literal*'],
    ['a &lt;b&gt; &amp; c', 'a <b> & c'],
    ['one<br>two<br/>three', 'one\ntwo\nthree'],
    ['<b>x</b> <img src="y"> z', 'x  z'],
    ['snake_case_name stays', 'snake_case_name stays'],
  ])('%s', (markdown, expected) => {
    expect(renderInline(markdown)).toBe(expected);
  });

  it('shows bold and code in colour on a terminal', () => {
    expect(renderInline('**a** `b`', colours)).toBe('\u001b[1ma\u001b[22m \u001b[36mb\u001b[39m');
  });
});

describe('renderMarkdown', () => {
  it('renders a job summary: headings, paragraphs, lists, details, code', () => {
    const summary = [
      '## ❌ Release v1.2.3 is not ready',
      '',
      '',
      '',
      'Judged: `trivy.json`',
      '',
      '- first reason',
      '  - nested',
      '1. numbered',
      '> quoted',
      '',
      '<details><summary>Release notes</summary>',
      '',
      '```',
      '  keep  spacing',
      '```',
      '</details>',
    ].join('\n');
    expect(renderMarkdown(summary)).toBe(
      [
        '❌ Release v1.2.3 is not ready',
        '─'.repeat(30), // ❌ takes two columns
        '',
        'Judged: trivy.json',
        '',
        '• first reason',
        '  • nested',
        '1. numbered',
        '│ quoted',
        '',
        '▸ Release notes',
        '',
        '      keep  spacing',
      ].join('\n'),
    );
  });

  it('makes headings bold and underlined on a terminal', () => {
    expect(renderMarkdown('### Title', colours)).toBe('\u001b[1m\u001b[4mTitle\u001b[24m\u001b[22m');
  });

  it('finds a table between paragraphs', () => {
    expect(renderMarkdown('before\n\n| a | b |\n|---|---|\n| 1 | 2 |\n\nafter')).toBe('before\n\na  b\n─  ─\n1  2\n\nafter');
  });
});
