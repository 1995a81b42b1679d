/**
 * Secret masking: every secret is registered with the runner before any line that could show it,
 * and remembered here, so that what an action writes besides its log — the job summary, outputs,
 * files — passes through the same masking (the runner masks only the log).
 */
import { setOutput as setStepOutput, setSecret } from './commands.js';
import { redactUrls, urlSecrets } from './secret-names.js';

const registered = new Set<string>();

/** Registers a secret and the forms it may be printed in (URL-encoded; a URL's path and query). */
export function maskSecret(value: string | undefined): void {
  if (!value) return;
  const forms = new Set([value, encodeURIComponent(value)]);
  if (/^https?:\/\//i.test(value)) {
    try {
      const url = new URL(value);
      if (url.pathname.length > 1) forms.add(url.pathname + url.search);
    } catch {
      // not a URL after all: the whole value is masked already
    }
  }
  for (const form of forms) {
    setSecret(form);
    // As the runner, which masks each line of a multi-line secret too.
    for (const part of [form, ...form.split(/\r?\n/)]) if (part.trim()) registered.add(part);
  }
}

/** Every value masked so far by this process (longest first, so a secret's parts never split it). */
export function maskedValues(): string[] {
  return [...registered].sort((a, b) => b.length - a.length);
}

/**
 * `text` with every masked value replaced by `***`, as the runner shows the log, and the
 * credentials and secret query values of any URL in it too.
 */
export function redact(text: string): string {
  let result = redactUrls(text);
  for (const secret of maskedValues()) if (result.includes(secret)) result = result.split(secret).join('***');
  return result;
}

/** A step output, with every masked value replaced by `***` (outputs are not masked by the runner). */
export function setOutput(name: string, value: unknown): void {
  setStepOutput(name, redact(typeof value === 'string' ? value : String(value)));
}

/**
 * Masks the secrets a URL carries (see urlSecrets). Values of one to three characters are left to
 * redactUrl where URLs are shown: masking `pw` would blank every `pw` in the log.
 */
export function maskUrlSecrets(value: string | undefined): void {
  if (!value) return;
  for (const secret of urlSecrets(value)) if (secret.length >= 4) maskSecret(secret);
}
