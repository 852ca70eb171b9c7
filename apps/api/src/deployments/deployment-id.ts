import { AdminError } from '../common/errors';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Deployment ids are UUIDs; anything else cannot name one (and must not reach PostgreSQL's uuid cast). */
export function isDeploymentId(value: string): boolean {
  return UUID.test(value);
}

export function deploymentNotFound(id: string): AdminError {
  return new AdminError(404, 'not_found', `There is no deployment with id '${id}'.`);
}
