/**
 * Joins an operator-typed base URL and an API path. The base is taken as given (with or without `/v1`);
 * only duplicate slashes at the seam are removed, so `http://host:8000/v1/` + `/chat/completions` works.
 */
export function joinUrl(base: string, path: string): string {
  const trimmedBase = base.trim().replace(/\/+$/, '');
  const trimmedPath = path.replace(/^\/+/, '');
  return trimmedPath === '' ? trimmedBase : `${trimmedBase}/${trimmedPath}`;
}
