/**
 * What holds a secret, by name or by place: variables named like secrets, secret query parameters
 * and a URL's password. Light on purpose (no @actions/core): inputs are checked with it before
 * anything heavy is loaded.
 */

/** Environment variables that hold secrets, by name: templates may never read them. */
const SECRET_VARIABLE = /TOKEN|SECRET|PASSWORD|KEY|WEBHOOK|CREDENTIAL/i;

export function isSecretVariable(name: string): boolean {
  return SECRET_VARIABLE.test(name);
}

/** Query parameters and headers that hold secrets, by name (broader: masking too much costs little). */
const SECRET_PARAMETER = /token|secret|pass|pwd|key|sig|auth|credential|session|cookie/i;

export function isSecretParameter(name: string): boolean {
  return SECRET_PARAMETER.test(name);
}

/**
 * The secrets a URL carries in itself: the password of its user info and the values of query
 * parameters named like secrets (`?token=…`, `&X-Amz-Signature=…`). Each in its raw and decoded form.
 */
export function urlSecrets(value: string): string[] {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return [];
  }
  const found = new Set<string>();
  const add = (raw: string) => {
    if (!raw) return;
    found.add(raw);
    try {
      found.add(decodeURIComponent(raw));
    } catch {
      // not percent-encoded: the raw form is enough
    }
  };
  add(url.password);
  for (const [name, raw] of url.search.slice(1).split('&').map((pair) => pair.split('=') as [string, string?])) {
    if (raw && isSecretParameter(decodeSafe(name))) add(raw);
  }
  return [...found];
}

function decodeSafe(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
  }
}


/**
 * A URL as it may be shown: the password of its user info and secret query values replaced by
 * `***` (`http://user:***@host/x?token=***&page=2`). Anything that is not a URL is returned as is.
 */
export function redactUrl(value: string): string {
  if (!/^[a-z][a-z0-9+.-]*:\/\//i.test(value)) return value;
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return value;
  }
  if (!url.password && !urlSecrets(value).length) return value;
  const user = url.username || url.password ? `${url.username}${url.password ? ':***' : ''}@` : '';
  const query = url.search
    ? '?' +
      url.search
        .slice(1)
        .split('&')
        .map((pair) => {
          const at = pair.indexOf('=');
          return at > 0 && isSecretParameter(decodeSafe(pair.slice(0, at))) ? `${pair.slice(0, at)}=***` : pair;
        })
        .join('&')
    : '';
  return `${url.protocol}//${user}${url.host}${url.pathname}${query}${url.hash}`;
}

/** Every URL inside a text redacted (an error message, a check name). */
export function redactUrls(text: string): string {
  return text.replace(/\b[a-z][a-z0-9+.-]{0,31}:\/\/[^\s'"<>()]+/gi, (url) => redactUrl(url)); // a bounded scheme: linear on any text
}
