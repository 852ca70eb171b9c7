import { RequestMethod } from '@nestjs/common';
import { METHOD_METADATA, PATH_METADATA, ROUTE_ARGS_METADATA } from '@nestjs/common/constants';
import { RouteParamtypes } from '@nestjs/common/enums/route-paramtypes.enum';
import type { DiscoveryService, MetadataScanner } from '@nestjs/core';
import { ZodUnion, type z } from 'zod';
import { ZodValidationPipe } from '../common/zod-validation.pipe';
import { isNamed } from './openapi-document';
import type { DocumentedRoute, NamedSchema } from './openapi-routes';

/** What a handler validates its body and query with (its `ZodValidationPipe`s), by `METHOD /path`. */
export type HandlerSchemas = ReadonlyMap<string, { body?: z.ZodType; query?: z.ZodType }>;

const joinPath = (...parts: string[]): string =>
  `/${parts
    .flatMap((p) => p.split('/'))
    .filter(Boolean)
    .join('/')}`;

const firstPath = (value: unknown): string =>
  Array.isArray(value) ? String(value[0] ?? '') : typeof value === 'string' ? value : '';

/**
 * Reads, from Nest's own route metadata, the zod schema each controller handler validates its `@Body()` and
 * `@Query()` with. The API reference documents exactly these, so it cannot drift from what is enforced.
 */
export function readHandlerSchemas(discovery: DiscoveryService, scanner: MetadataScanner): HandlerSchemas {
  const found = new Map<string, { body?: z.ZodType; query?: z.ZodType }>();
  for (const wrapper of discovery.getControllers()) {
    const type = wrapper.metatype as (new (...args: never[]) => unknown) | null;
    if (!type) continue;
    const base = firstPath(Reflect.getMetadata(PATH_METADATA, type));
    const prototype = type.prototype as Record<string, unknown>;
    for (const name of scanner.getAllMethodNames(prototype)) {
      const handler = prototype[name] as object;
      const method: unknown = Reflect.getMetadata(METHOD_METADATA, handler);
      if (typeof method !== 'number') continue;
      const args = (Reflect.getMetadata(ROUTE_ARGS_METADATA, type, name) ?? {}) as Record<
        string,
        { pipes?: unknown[] }
      >;
      const schemas: { body?: z.ZodType; query?: z.ZodType } = {};
      for (const [key, arg] of Object.entries(args)) {
        const kind = Number(key.split(':')[0]);
        const pipe = arg.pipes?.find(
          (p): p is ZodValidationPipe<z.ZodType> => p instanceof ZodValidationPipe,
        );
        if (!pipe) continue;
        if (kind === RouteParamtypes.BODY) schemas.body = pipe.schema;
        if (kind === RouteParamtypes.QUERY) schemas.query = pipe.schema;
      }
      if (!schemas.body && !schemas.query) continue;
      const path = joinPath(base, firstPath(Reflect.getMetadata(PATH_METADATA, handler)));
      found.set(`${RequestMethod[method]} ${path}`, schemas);
    }
  }
  return found;
}

/**
 * The routes with each handler's body and query schema filled in (named when the table names that schema).
 * A route that states its own body or query must state the very schema its handler validates with.
 */
export function withHandlerSchemas(
  routes: readonly DocumentedRoute[],
  handlers: HandlerSchemas,
  named: readonly NamedSchema[],
): DocumentedRoute[] {
  const nameOf = (schema: z.ZodType) => named.find((n) => n.schema === schema) ?? schema;
  return routes.map((route) => {
    const key = `${route.method} ${route.path}`;
    const handler = handlers.get(key);
    if (!handler) return route;
    const out: DocumentedRoute = { ...route };
    if (handler.query) {
      if (route.query && route.query !== handler.query)
        throw new Error(`${key}: the documented query is not the schema its handler validates with`);
      out.query = handler.query;
    }
    if (handler.body) {
      if (route.body) {
        // Per content type: the handler's schema, or (a union of forms) one of its members.
        const members = [handler.body, ...unionOptions(handler.body)];
        const stated = Object.values(route.body.content).map((s) => (isNamed(s) ? s.schema : s));
        if (!stated.some((schema) => members.includes(schema)))
          throw new Error(`${key}: the documented body is not the schema its handler validates with`);
      } else {
        out.body = { content: { 'application/json': nameOf(handler.body) } };
      }
    }
    return out;
  });
}

/** A union's members (e.g. a body accepted as YAML text or as JSON); none for other schemas. */
function unionOptions(schema: z.ZodType): readonly z.ZodType[] {
  return schema instanceof ZodUnion ? (schema.options as readonly z.ZodType[]) : [];
}
