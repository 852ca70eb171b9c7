import { adminErrorSchema, openAIErrorSchema } from '@switchboard/contracts';
import { z } from 'zod';
import { isAdminPath } from '../common/all-exceptions.filter';
import type { DocumentedRoute, NamedSchema } from './openapi-routes';

type JsonSchema = Record<string, unknown>;

export interface OpenApiDocument {
  openapi: '3.1.0';
  info: { title: string; version: string; description: string };
  security: Record<string, string[]>[];
  tags: { name: string }[];
  paths: Record<string, Record<string, OpenApiOperation>>;
  components: { schemas: Record<string, JsonSchema>; securitySchemes: Record<string, JsonSchema> };
}

export interface OpenApiParameter {
  name: string;
  in: 'path' | 'query';
  required: boolean;
  description?: string;
  schema: JsonSchema;
}

export interface OpenApiOperation {
  tags: string[];
  summary: string;
  description?: string;
  operationId: string;
  security?: Record<string, string[]>[];
  parameters?: OpenApiParameter[];
  requestBody?: { description?: string; required: boolean; content: Record<string, { schema: JsonSchema }> };
  responses: Record<string, { description: string; content?: Record<string, { schema: JsonSchema }> }>;
}

const DESCRIPTION = [
  "Switchboard's admin API: what the console uses. Every route needs the master key",
  '(`Authorization: Bearer <MASTER_KEY>`) or a console session cookie, except those marked public.',
  'Virtual keys (`sk-sb-…`) are refused here; they only work on the OpenAI-compatible data plane',
  "(`/v1/…`, documented by OpenAI's API reference and not repeated here).",
  'Admin errors come as `{"error": {"code", "message", "details"?}}`; the LiteLLM-compatible routes answer',
  'errors in the OpenAI shape, as LiteLLM does.',
].join(' ');

function isNamed(value: NamedSchema | z.ZodType): value is NamedSchema {
  return typeof (value as Partial<NamedSchema>).name === 'string' && 'schema' in value;
}

function toJsonSchema(schema: z.ZodType, io: 'input' | 'output'): JsonSchema {
  // Transforms have no JSON Schema; `any` keeps the document whole (their input side is shown where known).
  const { $schema: _drop, ...rest } = z.toJSONSchema(schema, { io, unrepresentable: 'any' }) as JsonSchema;
  return rest;
}

/** `/api/deployments/:id` → `/api/deployments/{id}`. */
export function openApiPath(fastifyPath: string): string {
  return fastifyPath.replace(/:([A-Za-z0-9_]+)/g, '{$1}');
}

function operationId(route: DocumentedRoute): string {
  const words = `${route.method.toLowerCase()} ${route.path}`.split(/[^A-Za-z0-9]+/).filter(Boolean);
  return words.map((w, i) => (i === 0 ? w : w[0]!.toUpperCase() + w.slice(1))).join('');
}

/**
 * OpenAPI 3.1 for the routes in the table, schemas generated from the same zod contracts the API validates
 * with: requests in their input form (defaults optional), responses in their output form.
 */
export function buildOpenApiDocument(routes: readonly DocumentedRoute[], version: string): OpenApiDocument {
  const schemas: Record<string, JsonSchema> = {
    AdminError: toJsonSchema(adminErrorSchema, 'output'),
    OpenAIError: toJsonSchema(openAIErrorSchema, 'output'),
  };
  const ref = (s: NamedSchema | z.ZodType, io: 'input' | 'output'): JsonSchema => {
    if (!isNamed(s)) return toJsonSchema(s, io);
    schemas[s.name] ??= toJsonSchema(s.schema, io);
    return { $ref: `#/components/schemas/${s.name}` };
  };

  const paths: OpenApiDocument['paths'] = {};
  const tags: string[] = [];
  for (const route of routes) {
    if (!tags.includes(route.tag)) tags.push(route.tag);
    const parameters: OpenApiParameter[] = [];
    for (const [, name] of route.path.matchAll(/:([A-Za-z0-9_]+)/g)) {
      parameters.push({
        name: name!,
        in: 'path',
        required: true,
        ...(route.params?.[name!] ? { description: route.params[name!] } : {}),
        schema: { type: 'string' },
      });
    }
    if (route.query) {
      const query = toJsonSchema(route.query, 'input');
      const required = new Set(Array.isArray(query.required) ? (query.required as string[]) : []);
      const properties = (query.properties ?? {}) as Record<string, JsonSchema>;
      for (const [name, schema] of Object.entries(properties)) {
        const { description, ...rest } = schema;
        parameters.push({
          name,
          in: 'query',
          required: required.has(name),
          ...(typeof description === 'string' ? { description } : {}),
          schema: rest,
        });
      }
    }

    const errorSchema = {
      $ref: `#/components/schemas/${isAdminPath(route.path) ? 'AdminError' : 'OpenAIError'}`,
    };
    const error = (description: string) => ({
      description,
      content: { 'application/json': { schema: errorSchema } },
    });
    const { response } = route;
    const responses: OpenApiOperation['responses'] = {
      [String(response.status)]: {
        description: response.description,
        ...(response.body
          ? {
              content: {
                [response.contentType ?? 'application/json']: { schema: ref(response.body, 'output') },
              },
            }
          : {}),
      },
    };
    if (route.body || route.query) responses['400'] = error('Invalid request; `details` lists every problem');
    if (!route.public)
      responses['401'] = error('No master key or console session (virtual keys are refused)');
    if (parameters.some((p) => p.in === 'path')) responses['404'] = error('No such resource');
    responses.default = error('Error');

    const operation: OpenApiOperation = {
      tags: [route.tag],
      summary: route.summary,
      ...(route.description ? { description: route.description } : {}),
      operationId: operationId(route),
      ...(route.public ? { security: [] } : {}),
      ...(parameters.length > 0 ? { parameters } : {}),
      ...(route.body
        ? {
            requestBody: {
              ...(route.body.description ? { description: route.body.description } : {}),
              required: true,
              content: Object.fromEntries(
                Object.entries(route.body.content).map(([type, s]) => [type, { schema: ref(s, 'input') }]),
              ),
            },
          }
        : {}),
      responses,
    };
    const path = openApiPath(route.path);
    paths[path] = { ...paths[path], [route.method.toLowerCase()]: operation };
  }

  return {
    openapi: '3.1.0',
    info: { title: 'Switchboard admin API', version, description: DESCRIPTION },
    security: [{ masterKey: [] }, { consoleSession: [] }],
    tags: tags.map((name) => ({ name })),
    paths,
    components: {
      schemas,
      securitySchemes: {
        masterKey: { type: 'http', scheme: 'bearer', description: 'The MASTER_KEY' },
        consoleSession: {
          type: 'apiKey',
          in: 'cookie',
          name: 'sb_session',
          description: 'Set by POST /api/auth/login',
        },
      },
    },
  };
}
