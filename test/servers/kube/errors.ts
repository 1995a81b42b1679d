/** API errors as the API server writes them: `kind: Status` bodies with its reasons, codes and messages. */
import { qualifiedResource, type ResourceType } from './resources.js';

export interface StatusCause {
  reason?: string;
  message: string;
  field?: string;
}

export interface StatusDetails {
  name?: string;
  group?: string;
  kind?: string;
  uid?: string;
  causes?: StatusCause[];
  retryAfterSeconds?: number;
}

export interface Status {
  kind: 'Status';
  apiVersion: 'v1';
  metadata: Record<string, never>;
  status: 'Failure' | 'Success';
  message?: string;
  reason?: string;
  details?: StatusDetails;
  code: number;
}

export class ApiError extends Error {
  constructor(
    readonly code: number,
    readonly reason: string,
    message: string,
    readonly details?: StatusDetails,
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
  }

  toStatus(): Status {
    return {
      kind: 'Status',
      apiVersion: 'v1',
      metadata: {},
      status: 'Failure',
      message: this.message,
      reason: this.reason,
      ...(this.details ? { details: this.details } : {}),
      code: this.code,
    };
  }
}

function resourceDetails(type: ResourceType, name: string): StatusDetails {
  return { name, group: type.group, kind: type.plural };
}

export const errors = {
  notFound: (type: ResourceType, name: string) =>
    new ApiError(404, 'NotFound', `${qualifiedResource(type)} "${name}" not found`, resourceDetails(type, name)),
  alreadyExists: (type: ResourceType, name: string) =>
    new ApiError(409, 'AlreadyExists', `${qualifiedResource(type)} "${name}" already exists`, resourceDetails(type, name)),
  conflict: (type: ResourceType, name: string) =>
    new ApiError(
      409,
      'Conflict',
      `Operation cannot be fulfilled on ${qualifiedResource(type)} "${name}": the object has been modified; please apply your changes to the latest version and try again`,
      resourceDetails(type, name),
    ),
  applyConflict: (type: ResourceType, name: string, conflicts: { manager: string; subresource?: string; apiVersion: string; field: string }[]) => {
    const owner = (c: { manager: string; subresource?: string; apiVersion: string }) =>
      `conflict with "${c.manager}"${c.subresource ? ` with subresource "${c.subresource}"` : ''} using ${c.apiVersion}`;
    const lines = conflicts.map((c) => `${owner(c)}: ${c.field}`);
    const message =
      conflicts.length === 1
        ? `Apply failed with 1 conflict: ${lines[0]}`
        : `Apply failed with ${conflicts.length} conflicts: ${lines.join('\n')}`;
    return new ApiError(409, 'Conflict', message, {
      ...resourceDetails(type, name),
      causes: conflicts.map((c) => ({ reason: 'FieldManagerConflict', message: owner(c), field: c.field })),
    });
  },
  invalid: (type: ResourceType, name: string, causes: { field: string; message: string; reason?: string }[]) =>
    new ApiError(
      422,
      'Invalid',
      `${type.kind}${type.group ? '.' + type.group : ''} "${name}" is invalid: ${causes.map((c) => `${c.field}: ${c.message}`).join(', ')}`,
      {
        name,
        group: type.group,
        kind: type.kind,
        causes: causes.map((c) => ({ reason: c.reason ?? 'FieldValueInvalid', message: c.message, field: c.field })),
      },
    ),
  badRequest: (message: string) => new ApiError(400, 'BadRequest', message),
  unauthorized: () => new ApiError(401, 'Unauthorized', 'Unauthorized'),
  gone: (requested: string, oldest: number) =>
    new ApiError(410, 'Expired', `too old resource version: ${requested} (${oldest})`),
  methodNotAllowed: (method: string) =>
    new ApiError(405, 'MethodNotAllowed', `the server does not allow this method on the requested resource (${method})`),
  unsupportedMediaType: (contentType: string) =>
    new ApiError(415, 'UnsupportedMediaType', `the body of the request was in an unknown format - accepted media types include: application/json, application/yaml, application/vnd.kubernetes.protobuf (got ${contentType})`),
  pathNotFound: () => new ApiError(404, 'NotFound', 'the server could not find the requested resource'),
  serviceUnavailable: (message: string) => new ApiError(503, 'ServiceUnavailable', message),
  internal: (message: string) =>
    new ApiError(500, 'InternalError', `Internal error occurred: ${message}`, { causes: [{ message }] }),
  tooManyRequests: (retryAfterSeconds: number) =>
    new ApiError(429, 'TooManyRequests', 'Too many requests, please try again later.', { retryAfterSeconds }, { 'Retry-After': String(retryAfterSeconds) }),
};
