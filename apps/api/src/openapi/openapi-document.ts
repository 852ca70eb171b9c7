import { adminErrorSchema, openAIErrorSchema, ROLES } from '@switchboard/contracts';
import { z } from 'zod';
import { roleAllows, routeIsProjectScoped, routePermission, type RoutePermission } from '../auth/permissions';
import { SESSION_COOKIE } from '../auth/auth-options';
import { isAdminPath } from '../common/all-exceptions.filter';
import {
  DATA_PLANE_HEADERS,
  DATA_PLANE_ROUTES,
  codeText,
  dataPlaneGuide,
  ROUTED_HEADERS,
  type DataPlaneError,
  type DataPlaneRoute,
} from './openapi-data-plane';
import type { DocumentedRoute, NamedSchema, Schema } from './openapi-routes';

type JsonSchema = Record<string, unknown>;
type Io = 'input' | 'output';

export interface OpenApiDocument {
  openapi: '3.1.0';
  info: { title: string; version: string; description: string };
  servers: { url: string; description: string }[];
  tags: { name: string; description?: string }[];
  paths: Record<string, Record<string, OpenApiOperation>>;
  components: {
    schemas: Record<string, JsonSchema>;
    securitySchemes: Record<string, JsonSchema>;
    headers: Record<string, { description: string; schema: JsonSchema }>;
  };
}

export interface OpenApiParameter {
  name: string;
  in: 'path' | 'query';
  required: boolean;
  description?: string;
  schema: JsonSchema;
}

export interface OpenApiResponse {
  description: string;
  headers?: Record<string, { $ref: string }>;
  content?: Record<string, { schema: JsonSchema }>;
}

export interface OpenApiOperation {
  tags: string[];
  summary: string;
  description?: string;
  operationId: string;
  security: Security;
  parameters?: OpenApiParameter[];
  requestBody?: { description?: string; required: boolean; content: Record<string, { schema: JsonSchema }> };
  responses: Record<string, OpenApiResponse>;
  /** The permission auth/permissions.ts requires (`signed-in`: any caller). */
  'x-switchboard-permission'?: RoutePermission;
}

const DATA_PLANE_TAG = 'OpenAI-compatible API';

type Security = Record<string, string[]>[];
const ADMIN_SECURITY: Security = [{ adminToken: [] }, { consoleSession: [] }];
const GATEWAY_SECURITY: Security = [{ gatewayKey: [] }, { gatewayKeyHeader: [] }];

const INTRODUCTION = [
  "Switchboard's HTTP API: the OpenAI-compatible data plane under `/v1` that applications call, and the admin API under `/api` that the console uses.",
  '',
  '## Admin API (`/api`)',
  '',
  'Every admin route needs the master key or a personal API token (`sb-admin-…`, console: Account) as `Authorization: Bearer`, or the console session cookie; virtual keys are refused there. Each route also needs a permission (`x-switchboard-permission`), which the caller\'s role grants; the master key acts as admin. Changes made with the session cookie must come from the same origin (this page does). Errors come as `{"error": {"code", "message", "details"?}}`; the LiteLLM-compatible routes answer errors in the OpenAI shape, as LiteLLM does.',
  '',
  'Try it out: sign in to the console in this browser (the session cookie comes along), or paste the master key or an API token under Authorize.',
].join('\n');

export function isNamed(value: Schema): value is NamedSchema {
  return typeof (value as Partial<NamedSchema>).name === 'string' && 'schema' in value;
}

/** Drops what only repeats zod's defaults: safe-integer bounds and the regex behind a `format`. */
function tidy({ jsonSchema }: { jsonSchema: JsonSchema }): void {
  if (typeof jsonSchema.format === 'string') delete jsonSchema.pattern;
  if (jsonSchema.minimum === Number.MIN_SAFE_INTEGER) delete jsonSchema.minimum;
  if (jsonSchema.maximum === Number.MAX_SAFE_INTEGER) delete jsonSchema.maximum;
}

function withoutMeta(schema: JsonSchema): JsonSchema {
  const { $schema: _schema, $id: _id, ...rest } = schema;
  return rest;
}

function toJsonSchema(schema: z.ZodType, io: Io): JsonSchema {
  // Transforms have no JSON Schema; `any` keeps the document whole (their input side is shown where known).
  return withoutMeta(z.toJSONSchema(schema, { io, unrepresentable: 'any', override: tidy }) as JsonSchema);
}

/**
 * Named schemas go to `components.schemas` and are referenced, also from inside other named schemas (a page
 * of deployments refers to Deployment). Requests are converted in their input form (defaults optional),
 * answers in their output form, so a name serves one side only.
 */
class SchemaCollector {
  private readonly registries = { input: z.registry<{ id: string }>(), output: z.registry<{ id: string }>() };
  private readonly seen = new Map<string, { schema: z.ZodType; io: Io }>();

  ref(s: Schema, io: Io): JsonSchema {
    if (!isNamed(s)) return toJsonSchema(s, io);
    const prior = this.seen.get(s.name);
    if (!prior) {
      this.seen.set(s.name, { schema: s.schema, io });
      this.registries[io].add(s.schema, { id: s.name });
    } else if (prior.schema !== s.schema || prior.io !== io) {
      throw new Error(`OpenAPI: '${s.name}' names two schemas, or one used for both requests and answers`);
    }
    return { $ref: `#/components/schemas/${s.name}` };
  }

  components(): Record<string, JsonSchema> {
    const out: Record<string, JsonSchema> = {};
    for (const io of ['input', 'output'] as const) {
      const { schemas } = z.toJSONSchema(this.registries[io], {
        io,
        unrepresentable: 'any',
        override: tidy,
        uri: (id) => `#/components/schemas/${id}`,
      });
      for (const [name, schema] of Object.entries(schemas)) out[name] = withoutMeta(schema as JsonSchema);
    }
    return Object.fromEntries(Object.entries(out).sort(([a], [b]) => a.localeCompare(b)));
  }
}

/** `/api/deployments/:id` → `/api/deployments/{id}`. */
export function openApiPath(fastifyPath: string): string {
  return fastifyPath.replace(/:([A-Za-z0-9_]+)/g, '{$1}');
}

function operationId(method: string, path: string): string {
  const words = `${method.toLowerCase()} ${path}`.split(/[^A-Za-z0-9]+/).filter(Boolean);
  return words.map((w, i) => (i === 0 ? w : w[0]!.toUpperCase() + w.slice(1))).join('');
}

function pathParameters(path: string, descriptions: Record<string, string> = {}): OpenApiParameter[] {
  return [...path.matchAll(/:([A-Za-z0-9_]+)/g)].map(([, name]) => ({
    name: name!,
    in: 'path',
    required: true,
    ...(descriptions[name!] ? { description: descriptions[name!] } : {}),
    schema: { type: 'string' },
  }));
}

function queryParameters(query: z.ZodType): OpenApiParameter[] {
  const schema = toJsonSchema(query, 'input');
  const required = new Set(Array.isArray(schema.required) ? (schema.required as string[]) : []);
  return Object.entries((schema.properties ?? {}) as Record<string, JsonSchema>).map(([name, property]) => {
    const { description, ...rest } = property;
    return {
      name,
      in: 'query',
      required: required.has(name),
      ...(typeof description === 'string' ? { description } : {}),
      schema: rest,
    };
  });
}

/** Who may call a protected route, in words, from the same tables the guard enforces. */
function permissionText(method: string, path: string, permission: RoutePermission | null): string {
  if (permission === 'signed-in')
    return '**Who:** any signed-in caller (their own account; not the master key).';
  const roles = ROLES.filter(
    (role) =>
      roleAllows(role, permission) && (role !== 'project-member' || routeIsProjectScoped(method, path)),
  );
  const scoped = roles.includes('project-member') ? ' Project members see only their projects.' : '';
  return `**Permission:** \`${permission ?? 'admin only'}\` (roles: ${roles.join(', ')}).${scoped}`;
}

function adminOperation(route: DocumentedRoute, schemas: SchemaCollector): OpenApiOperation {
  const parameters = [
    ...pathParameters(route.path, route.params),
    ...(route.query ? queryParameters(route.query) : []),
  ];
  const errorRef = { $ref: `#/components/schemas/${isAdminPath(route.path) ? 'AdminError' : 'OpenAIError'}` };
  const error = (description: string): OpenApiResponse => ({
    description,
    content: { 'application/json': { schema: errorRef } },
  });
  const permission = route.public ? null : routePermission(route.method, route.path);

  const { response } = route;
  const responses: Record<string, OpenApiResponse> = {
    [String(response.status)]: {
      description: response.description,
      ...(response.body
        ? {
            content: {
              [response.contentType ?? 'application/json']: { schema: schemas.ref(response.body, 'output') },
            },
          }
        : {}),
    },
  };
  if (route.body || route.query)
    responses['400'] = error('`validation_failed`: `details` lists every problem');
  if (!route.public) {
    responses['401'] = error(
      '`unauthorized`: no master key, API token or console session (virtual keys are refused)',
    );
    const refusals = [
      permission === 'signed-in'
        ? null
        : `\`forbidden\`: the caller's role lacks \`${permission ?? 'admin'}\``,
      route.method === 'GET' || !isAdminPath(route.path)
        ? null
        : '`csrf_rejected`: a change made with the session cookie from another origin',
    ].filter((r) => r !== null);
    if (refusals.length > 0) responses['403'] = error(refusals.join('; '));
  }
  if (route.path.includes(':')) responses['404'] = error('`not_found`');
  responses.default = error(
    'Other errors in the same shape, e.g. 409 `conflict`, 429 `too_many_attempts` and 503 `database_unavailable` (both with Retry-After)',
  );

  const description = [
    route.description,
    route.public ? null : permissionText(route.method, route.path, permission),
  ]
    .filter(Boolean)
    .join('\n\n');
  return {
    tags: [route.tag],
    summary: route.summary,
    ...(description ? { description } : {}),
    operationId: operationId(route.method, route.path),
    security: route.public ? [] : ADMIN_SECURITY,
    ...(parameters.length > 0 ? { parameters } : {}),
    ...(route.body
      ? {
          requestBody: {
            ...(route.body.description ? { description: route.body.description } : {}),
            required: true,
            content: Object.fromEntries(
              Object.entries(route.body.content).map(([type, s]) => [
                type,
                { schema: schemas.ref(s, 'input') },
              ]),
            ),
          },
        }
      : {}),
    responses,
    ...(permission ? { 'x-switchboard-permission': permission } : {}),
  };
}

const headerRefs = (names: readonly string[]) =>
  Object.fromEntries(names.map((name) => [name, { $ref: `#/components/headers/${name}` }]));

function dataPlaneOperation(route: DataPlaneRoute): OpenApiOperation {
  const byStatus = new Map<string, DataPlaneError[]>();
  for (const e of route.errors) {
    if (e.status === 200) continue; // A broken stream: described with the stream itself.
    const key = String(e.status);
    byStatus.set(key, [...(byStatus.get(key) ?? []), e]);
  }
  const responses: Record<string, OpenApiResponse> = {
    '200': {
      description: 'OK',
      ...(route.headers.length > 0 ? { headers: headerRefs(route.headers) } : {}),
      content: Object.fromEntries(
        Object.entries(route.success).map(([type, schema]) => [
          type,
          { schema: toJsonSchema(schema, 'output') },
        ]),
      ),
    },
  };
  // The routed POST routes name the request on every answer; the deployment only when the router decided.
  const requestId = route.headers.includes('x-request-id');
  for (const [status, errors] of [...byStatus].sort(([a], [b]) => a.localeCompare(b))) {
    const headers = [
      ...(errors.some((e) => e.routed) ? ROUTED_HEADERS : requestId ? ['x-request-id'] : []),
      ...(errors.some((e) => e.retryAfter) ? ['retry-after'] : []),
    ];
    responses[status] = {
      description: errors.map((e) => `${codeText(e)}: ${e.when}`).join('\n\n'),
      ...(headers.length > 0 ? { headers: headerRefs(headers) } : {}),
      content: { 'application/json': { schema: { $ref: '#/components/schemas/OpenAIError' } } },
    };
  }
  const parameters = pathParameters(route.path, route.params);
  return {
    tags: [DATA_PLANE_TAG],
    summary: route.summary,
    description: `Also served without \`/v1\` (\`${route.path.slice(3)}\`).${route.description ? `\n\n${route.description}` : ''}`,
    operationId: operationId(route.method, route.path),
    security: GATEWAY_SECURITY,
    ...(parameters.length > 0 ? { parameters } : {}),
    ...(route.body
      ? {
          requestBody: {
            required: true,
            content: { [route.body.contentType]: { schema: toJsonSchema(route.body.schema, 'input') } },
          },
        }
      : {}),
    responses,
  };
}

/**
 * OpenAPI 3.1 for the data plane and the admin routes in the table, schemas generated from the same zod
 * contracts the API validates with.
 */
export function buildOpenApiDocument(routes: readonly DocumentedRoute[], version: string): OpenApiDocument {
  const schemas = new SchemaCollector();
  schemas.ref({ name: 'AdminError', schema: adminErrorSchema }, 'output');
  schemas.ref({ name: 'OpenAIError', schema: openAIErrorSchema }, 'output');

  const paths: OpenApiDocument['paths'] = {};
  const add = (method: string, path: string, operation: OpenApiOperation) => {
    const key = openApiPath(path);
    paths[key] = { ...paths[key], [method.toLowerCase()]: operation };
  };
  for (const route of DATA_PLANE_ROUTES) add(route.method, route.path, dataPlaneOperation(route));
  for (const route of routes) add(route.method, route.path, adminOperation(route, schemas));

  const tags = [DATA_PLANE_TAG, ...new Set(routes.map((r) => r.tag))];
  return {
    openapi: '3.1.0',
    info: {
      title: 'Switchboard API',
      version,
      description: `${INTRODUCTION}\n\n${dataPlaneGuide()}`,
    },
    // Relative to the document: whichever origin served it (try-it-out stays on that origin).
    servers: [{ url: '/', description: 'This gateway' }],
    tags: tags.map((name) =>
      name === DATA_PLANE_TAG
        ? {
            name,
            description:
              "OpenAI's API, routed across deployments; see the introduction for what Switchboard adds.",
          }
        : { name },
    ),
    paths,
    components: {
      schemas: schemas.components(),
      securitySchemes: {
        gatewayKey: {
          type: 'http',
          scheme: 'bearer',
          description: '`/v1`: a virtual key (`sk-sb-…`) or the master key.',
        },
        gatewayKeyHeader: {
          type: 'apiKey',
          in: 'header',
          name: 'x-api-key',
          description: '`/v1`: the same key in `x-api-key` (or `api-key`), for clients that send it there.',
        },
        adminToken: {
          type: 'http',
          scheme: 'bearer',
          description: 'Admin routes: the MASTER_KEY, or a personal API token (`sb-admin-…`).',
        },
        consoleSession: {
          type: 'apiKey',
          in: 'cookie',
          name: SESSION_COOKIE,
          description:
            'Admin routes: the console session, set by POST /api/auth/login (sign in to the console in this browser).',
        },
      },
      headers: Object.fromEntries(
        Object.entries(DATA_PLANE_HEADERS).map(([name, h]) => [
          name,
          { description: h.description, schema: { type: h.type } },
        ]),
      ),
    },
  };
}
