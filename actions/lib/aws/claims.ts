/**
 * Reads the claims a trust policy looks at from a GitHub OIDC token, for error messages only: the
 * token is decoded, never verified (STS does that), and never printed whole.
 */

/** The claims an IAM trust policy for GitHub usually conditions on. */
export interface TrustClaims {
  sub?: string;
  aud?: string;
  job_workflow_ref?: string;
  environment?: string;
}

const SHOWN: Array<keyof TrustClaims> = ['sub', 'aud', 'job_workflow_ref', 'environment'];

/** The trust-policy claims of a JWT; {} when it is not a readable JWT. */
export function decodeTrustClaims(jwt: string): TrustClaims {
  const payload = jwt.split('.')[1];
  if (!payload) return {};
  let claims: Record<string, unknown>;
  try {
    claims = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8'));
  } catch {
    return {};
  }
  if (!claims || typeof claims !== 'object') return {};
  const result: TrustClaims = {};
  for (const name of SHOWN) {
    const value = claims[name];
    if (typeof value === 'string') result[name] = value;
    else if (Array.isArray(value)) result[name] = value.join(',');
  }
  return result;
}

/** `sub=…, aud=…, job_workflow_ref=…, environment=…` (those present). */
export function describeClaims(claims: TrustClaims): string {
  const parts = SHOWN.filter((name) => claims[name] !== undefined).map((name) => `${name}=${claims[name]}`);
  return parts.length ? parts.join(', ') : 'no readable claims';
}
