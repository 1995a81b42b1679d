import { LogView } from '../../cli/log.js';
import { colours, plain } from '../../cli/text.js';

function view(options: { debug?: boolean; masks?: string[]; style?: typeof plain } = {}) {
  let text = '';
  const log = new LogView({ style: options.style ?? plain, write: (chunk) => (text += chunk), debug: options.debug, masks: options.masks });
  return { log, text: () => text };
}

describe('LogView', () => {
  it('shows annotations as GitHub does and hides mask commands, masking from then on', () => {
    const { log, text } = view();
    log.push('plain line\n::add-mask::hunter2\nthe password is hunter2\n::error file=a.ts,line=3::broke hunter2%0Asecond line\n');
    log.push('::warning::careful\n::notice title=FYI::note\n');
    expect(text()).toBe(
      ['plain line', 'the password is ***', 'Error: broke ***', 'second line (a.ts:3)', 'Warning: careful', 'Notice: FYI: note', ''].join('\n'),
    );
  });

  it('joins lines split across chunks and shows a last line without newline at the end', () => {
    const { log, text } = view();
    log.push('::add-mask::abc');
    log.push('def\nsecret abcdef');
    expect(text()).toBe('');
    log.push('!\ntail');
    log.end();
    expect(text()).toBe('secret ***!\ntail\n');
  });

  it('indents a group under its title; debug lines only with step debugging', () => {
    const quiet = view();
    quiet.log.push('::group::Checks\n::debug::detail\ninside\n::endgroup::\nafter\n');
    expect(quiet.text()).toBe('▸ Checks\n  inside\nafter\n');
    const debug = view({ debug: true });
    debug.log.push('::debug::detail%0Amore\n');
    expect(debug.text()).toBe('##[debug]detail\nmore\n');
  });

  it('prints commands verbatim between stop-commands and its token', () => {
    const { log, text } = view();
    log.push('::stop-commands::tok\n::error::not an error\n::tok::\n::error::real\n');
    expect(text()).toBe('::error::not an error\nError: real\n');
  });

  it('masks values known from the start and colours errors on a terminal', () => {
    const { log, text } = view({ masks: ['ghs_token', ''], style: colours });
    log.push('::error::bad ghs_token\n');
    expect(text()).toBe('\u001b[31mError: bad ***\u001b[39m\n');
  });
});
