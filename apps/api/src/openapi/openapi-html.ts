import type { OpenApiDocument, OpenApiOperation } from './openapi-document';

/** The page loads nothing: no scripts, no fonts, no stylesheets from elsewhere. */
export const DOCS_CSP = "default-src 'none'; style-src 'unsafe-inline'; base-uri 'none'; form-action 'none'";

const escape = (text: string): string =>
  text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

/** Inline code spans (`like this`) in descriptions; everything else is escaped text. */
const prose = (text: string): string => escape(text).replace(/`([^`]+)`/g, '<code>$1</code>');

const anchor = (name: string) => `schema-${name.replace(/[^A-Za-z0-9_-]/g, '-')}`;

/** Pretty JSON with `$ref`s turned into links to the schema section; a lone `$ref` is just the link. */
function schemaBlock(schema: unknown): string {
  const only = schema as { $ref?: unknown };
  if (typeof only.$ref === 'string' && Object.keys(schema as object).length === 1) {
    const name = only.$ref.replace('#/components/schemas/', '');
    return ` <a href="#${anchor(name)}">${escape(name)}</a>`;
  }
  const html = escape(JSON.stringify(schema, null, 2)).replace(
    /&quot;#\/components\/schemas\/([A-Za-z0-9_.-]+)&quot;/g,
    (_m, name: string) => `<a href="#${anchor(name)}">${escape(name)}</a>`,
  );
  return `<pre>${html}</pre>`;
}

function operationHtml(method: string, path: string, op: OpenApiOperation): string {
  const parts: string[] = [];
  const isPublic = Array.isArray(op.security) && op.security.length === 0;
  parts.push(
    `<h3 id="${escape(op.operationId)}"><span class="method ${method}">${method.toUpperCase()}</span> <code>${escape(path)}</code>` +
      ` <span class="auth">${isPublic ? 'public' : 'master key or session'}</span></h3>`,
  );
  parts.push(`<p>${prose(op.summary)}</p>`);
  if (op.description) parts.push(`<p class="description">${prose(op.description)}</p>`);
  if (op.parameters?.length) {
    const rows = op.parameters
      .map(
        (p) =>
          `<tr><td><code>${escape(p.name)}</code></td><td>${p.in}</td><td>${p.required ? 'yes' : 'no'}</td>` +
          `<td><code>${escape(JSON.stringify(p.schema))}</code></td><td>${prose(p.description ?? '')}</td></tr>`,
      )
      .join('');
    parts.push(
      `<table><thead><tr><th>Parameter</th><th>In</th><th>Required</th><th>Schema</th><th></th></tr></thead><tbody>${rows}</tbody></table>`,
    );
  }
  if (op.requestBody) {
    parts.push(`<h4>Request body</h4>`);
    if (op.requestBody.description) parts.push(`<p>${prose(op.requestBody.description)}</p>`);
    for (const [type, { schema }] of Object.entries(op.requestBody.content)) {
      parts.push(`<div><code>${escape(type)}</code>${schemaBlock(schema)}</div>`);
    }
  }
  parts.push('<h4>Responses</h4><ul>');
  for (const [status, res] of Object.entries(op.responses)) {
    const content = res.content ? Object.entries(res.content)[0] : undefined;
    parts.push(
      `<li><strong>${escape(status)}</strong> ${prose(res.description)}` +
        (content ? ` — <code>${escape(content[0])}</code>${schemaBlock(content[1].schema)}` : '') +
        '</li>',
    );
  }
  parts.push('</ul>');
  return `<section class="operation">${parts.join('\n')}</section>`;
}

/** A readable, self-contained page of the document: paths by tag, then every schema. */
export function renderOpenApiHtml(doc: OpenApiDocument): string {
  const byTag = new Map<string, string[]>();
  const toc = new Map<string, string[]>();
  for (const [path, methods] of Object.entries(doc.paths)) {
    for (const [method, op] of Object.entries(methods)) {
      const tag = op.tags[0] ?? 'Other';
      byTag.set(tag, [...(byTag.get(tag) ?? []), operationHtml(method, path, op)]);
      toc.set(tag, [
        ...(toc.get(tag) ?? []),
        `<li><a href="#${escape(op.operationId)}"><span class="method ${method}">${method.toUpperCase()}</span> ${escape(path)}</a></li>`,
      ]);
    }
  }
  const tags = doc.tags.map((t) => t.name).filter((t) => byTag.has(t));
  const schemas = Object.entries(doc.components.schemas)
    .map(
      ([name, schema]) =>
        `<section id="${anchor(name)}"><h3>${escape(name)}</h3>${schemaBlock(schema)}</section>`,
    )
    .join('\n');
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escape(doc.info.title)}</title>
<style>
  body { font: 15px/1.5 system-ui, sans-serif; margin: 0 auto; max-width: 1100px; padding: 1rem 2rem; color: #1f2328; }
  h1 { margin-bottom: 0.25rem; } h2 { border-bottom: 1px solid #d0d7de; padding-bottom: 0.25rem; margin-top: 2.5rem; }
  h3 { font-size: 1rem; margin: 0 0 0.25rem; } h4 { margin: 0.75rem 0 0.25rem; font-size: 0.9rem; }
  code, pre { font: 13px/1.4 ui-monospace, SFMono-Regular, Menlo, monospace; }
  pre { background: #f6f8fa; padding: 0.5rem 0.75rem; overflow-x: auto; border-radius: 6px; max-height: 28rem; }
  table { border-collapse: collapse; margin: 0.5rem 0; } td, th { border: 1px solid #d0d7de; padding: 0.2rem 0.5rem; text-align: left; vertical-align: top; }
  .operation { border: 1px solid #d0d7de; border-radius: 8px; padding: 0.75rem 1rem; margin: 1rem 0; }
  .method { display: inline-block; min-width: 4rem; text-align: center; color: #fff; border-radius: 4px; font-size: 12px; padding: 0 0.3rem; }
  .get { background: #1f6feb; } .post { background: #1a7f37; } .put { background: #9a6700; } .patch { background: #8250df; } .delete { background: #cf222e; }
  .auth { font-weight: normal; font-size: 12px; color: #57606a; border: 1px solid #d0d7de; border-radius: 10px; padding: 0 0.5rem; }
  .description { color: #57606a; } ul.toc { columns: 2; list-style: none; padding: 0; } ul.toc li { margin: 0.1rem 0; }
  a { color: #0969da; text-decoration: none; }
</style>
</head>
<body>
<h1>${escape(doc.info.title)}</h1>
<p>OpenAPI ${escape(doc.openapi)} · version ${escape(doc.info.version)} · <a href="/api/docs/openapi.json">openapi.json</a></p>
<p>${prose(doc.info.description)}</p>
${tags.map((tag) => `<h2>${escape(tag)}</h2><ul class="toc">${(toc.get(tag) ?? []).join('')}</ul>${(byTag.get(tag) ?? []).join('\n')}`).join('\n')}
<h2>Schemas</h2>
${schemas}
</body>
</html>
`;
}
