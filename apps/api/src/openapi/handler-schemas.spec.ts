import { z } from 'zod';
import { withHandlerSchemas } from './handler-schemas';
import type { DocumentedRoute } from './openapi-routes';

const createThing = z.object({ name: z.string() });
const listQuery = z.object({ cursor: z.string().optional() });
const route = (over: Partial<DocumentedRoute> = {}): DocumentedRoute => ({
  method: 'POST',
  path: '/api/things',
  tag: 'Things',
  summary: 'Create a thing',
  public: false,
  params: {},
  response: { status: 201, description: 'Created' },
  ...over,
});

describe('withHandlerSchemas', () => {
  it("takes a route's body and query from its handler, named when the table names that schema", () => {
    const handlers = new Map([['POST /api/things', { body: createThing, query: listQuery }]]);
    const [out] = withHandlerSchemas([route()], handlers, [{ name: 'CreateThing', schema: createThing }]);
    expect(out!.body).toEqual({
      content: { 'application/json': { name: 'CreateThing', schema: createThing } },
    });
    expect(out!.query).toBe(listQuery);
  });

  it('leaves routes whose handler validates nothing as the table has them', () => {
    const r = route({ method: 'GET', query: listQuery });
    expect(withHandlerSchemas([r], new Map(), [])).toEqual([r]);
  });

  it('refuses a stated body or query that is not what the handler validates with', () => {
    const handlers = new Map([['POST /api/things', { body: createThing, query: listQuery }]]);
    const other = z.object({ name: z.string() });
    expect(() =>
      withHandlerSchemas([route({ body: { content: { 'application/json': other } } })], handlers, []),
    ).toThrow(/POST \/api\/things: the documented body/);
    expect(() => withHandlerSchemas([route({ query: other })], handlers, [])).toThrow(/documented query/);
  });

  it('accepts per content type a member of a union the handler validates (text or JSON)', () => {
    const json = z.object({ yaml: z.string() });
    const handlers = new Map([['POST /api/things', { body: z.union([z.string(), json]) }]]);
    const stated = route({ body: { content: { 'text/plain': z.string(), 'application/json': json } } });
    expect(withHandlerSchemas([stated], handlers, [])[0]!.body).toBe(stated.body);
  });
});
