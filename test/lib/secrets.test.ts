import { maskSecret, maskUrlSecrets, maskedValues, redact } from '../../actions/lib/secrets.js';

test('what is masked for the log is masked in any text the action writes (summary, outputs, files)', () => {
  const write = process.stdout.write;
  const lines: string[] = [];
  process.stdout.write = ((chunk: string) => lines.push(String(chunk)) > 0) as typeof process.stdout.write;
  try {
    maskSecret('xoxb-secret-token-1234');
    maskSecret('line one\nline two');
    maskUrlSecrets('https://deploy:hunter22@api.example.com/?token=qtok-5678&short=1&key=ab');
  } finally {
    process.stdout.write = write;
  }
  expect(lines.join('')).toContain('::add-mask::xoxb-secret-token-1234');
  expect(maskedValues()).toEqual(expect.arrayContaining(['xoxb-secret-token-1234', 'line one', 'line two', 'hunter22', 'qtok-5678']));
  // Values of 1 to 3 characters are left to URL redaction (masking `ab` would blank every "ab").
  expect(maskedValues()).not.toContain('ab');
  expect(redact('token xoxb-secret-token-1234; second: line two; body echoed hunter22')).toBe('token ***; second: ***; body echoed ***');
  expect(redact('see https://u:pw@h/x?key=ab')).toBe('see https://u:***@h/x?key=***');
});
