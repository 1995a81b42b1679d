/** Secret masking: every secret is registered with the runner before any line that could show it. */
import { setSecret } from '@actions/core';

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
  for (const form of forms) setSecret(form);
}
