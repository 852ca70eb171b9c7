import {
  auditEventPageSchema,
  auditListQuerySchema,
  createdKeySchema,
  createDeploymentSchema,
  createKeySchema,
  createModelGroupSchema,
  createProjectSchema,
  deploymentListQuerySchema,
  deploymentPageSchema,
  deploymentSchema,
  deploymentTestResultSchema,
  distributionQuerySchema,
  distributionSchema,
  importPlanSchema,
  importRequestSchema,
  keyListQuerySchema,
  logListQuerySchema,
  accountInviteSchema,
  changePasswordSchema,
  accountPageSchema,
  accountSchema,
  anyLoginSchema,
  createAccountSchema,
  setPasswordSchema,
  updateAccountSchema,
  apiTokenSchema,
  createApiTokenSchema,
  createdApiTokenSchema,
  authOptionsSchema,
  firstAdminSchema,
  modelGroupPageSchema,
  modelGroupSchema,
  modelPriceListQuerySchema,
  modelPricePageSchema,
  modelPriceSchema,
  pageQuerySchema,
  projectPageSchema,
  projectSchema,
  putModelPriceSchema,
  requestLogDetailSchema,
  requestLogPageSchema,
  rotateKeySchema,
  callerSchema,
  authSessionSchema,
  updateDeploymentSchema,
  updateKeySchema,
  updateModelGroupSchema,
  updateProjectSchema,
  usageSummaryQuerySchema,
  attemptStatsQuerySchema,
  attemptStatsSchema,
  usageSummarySchema,
  virtualKeyPageSchema,
  virtualKeySchema,
} from '@switchboard/contracts';
import { z } from 'zod';
import { litellmImportQuerySchema } from '../import/litellm-import.dto';
import {
  litellmDeletedKeysSchema,
  litellmDeleteKeysSchema,
  litellmDeleteModelSchema,
  litellmGeneratedKeySchema,
  litellmGenerateKeySchema,
  litellmKeyInfoQuerySchema,
  litellmKeyInfoResponseSchema,
  litellmMessageSchema,
  litellmModelInfoQuerySchema,
  litellmModelListSchema,
  litellmNewModelResponseSchema,
  litellmNewModelSchema,
} from '../litellm-compat/litellm-compat.dto';

/** A schema that appears under `components.schemas` by this name. */
export interface NamedSchema {
  name: string;
  schema: z.ZodType;
}

export interface RouteBody {
  description?: string;
  /** Content type → schema. */
  content: Record<string, NamedSchema | z.ZodType>;
}

export interface RouteResponse {
  status: number;
  description: string;
  contentType?: string;
  body?: NamedSchema | z.ZodType;
}

export interface DocumentedRoute {
  method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  /** As registered with Fastify (`/api/deployments/:id`); the document writes `{id}`. */
  path: string;
  tag: string;
  summary: string;
  description?: string;
  /** Reachable without the master key or a console session. */
  public?: true;
  params?: Record<string, string>;
  query?: z.ZodType;
  body?: RouteBody;
  response: RouteResponse;
}

const named = (name: string, schema: z.ZodType): NamedSchema => ({ name, schema });
const json = (schema: NamedSchema | z.ZodType, description?: string): RouteBody => ({
  ...(description ? { description } : {}),
  content: { 'application/json': schema },
});
const ok = (body: NamedSchema | z.ZodType, description = 'OK'): RouteResponse => ({
  status: 200,
  description,
  body,
});
const created = (body: NamedSchema | z.ZodType): RouteResponse => ({
  status: 201,
  description: 'Created',
  body,
});
const noContent: RouteResponse = { status: 204, description: 'Done; no body.' };

const S = {
  ModelGroup: named('ModelGroup', modelGroupSchema),
  ModelGroupPage: named('ModelGroupPage', modelGroupPageSchema),
  CreateModelGroup: named('CreateModelGroup', createModelGroupSchema),
  UpdateModelGroup: named('UpdateModelGroup', updateModelGroupSchema),
  Deployment: named('Deployment', deploymentSchema),
  DeploymentPage: named('DeploymentPage', deploymentPageSchema),
  CreateDeployment: named('CreateDeployment', createDeploymentSchema),
  UpdateDeployment: named('UpdateDeployment', updateDeploymentSchema),
  DeploymentTestResult: named('DeploymentTestResult', deploymentTestResultSchema),
  Project: named('Project', projectSchema),
  ProjectPage: named('ProjectPage', projectPageSchema),
  CreateProject: named('CreateProject', createProjectSchema),
  UpdateProject: named('UpdateProject', updateProjectSchema),
  VirtualKey: named('VirtualKey', virtualKeySchema),
  VirtualKeyPage: named('VirtualKeyPage', virtualKeyPageSchema),
  CreatedKey: named('CreatedKey', createdKeySchema),
  CreateKey: named('CreateKey', createKeySchema),
  UpdateKey: named('UpdateKey', updateKeySchema),
  RotateKey: named('RotateKey', rotateKeySchema),
  RequestLogPage: named('RequestLogPage', requestLogPageSchema),
  RequestLogDetail: named('RequestLogDetail', requestLogDetailSchema),
  Distribution: named('Distribution', distributionSchema),
  UsageSummary: named('UsageSummary', usageSummarySchema),
  AttemptStats: named('AttemptStats', attemptStatsSchema),
  ModelPrice: named('ModelPrice', modelPriceSchema),
  ModelPricePage: named('ModelPricePage', modelPricePageSchema),
  PutModelPrice: named('PutModelPrice', putModelPriceSchema),
  AuditEventPage: named('AuditEventPage', auditEventPageSchema),
  ImportPlan: named('ImportPlan', importPlanSchema),
  Login: named('Login', anyLoginSchema),
  Caller: named('Caller', callerSchema),
  Session: named('Session', authSessionSchema),
  FirstAdmin: named('FirstAdmin', firstAdminSchema),
  AuthOptions: named('AuthOptions', authOptionsSchema),
  ApiToken: named('ApiToken', apiTokenSchema),
  Account: named('Account', accountSchema),
  AccountPage: named('AccountPage', accountPageSchema),
  AccountInvite: named('AccountInvite', accountInviteSchema),
  CreateAccount: named('CreateAccount', createAccountSchema),
  UpdateAccount: named('UpdateAccount', updateAccountSchema),
  SetPassword: named('SetPassword', setPasswordSchema),
  CreateApiToken: named('CreateApiToken', createApiTokenSchema),
  ChangePassword: named('ChangePassword', changePasswordSchema),
  CreatedApiToken: named('CreatedApiToken', createdApiTokenSchema),
  LiteLLMGenerateKey: named('LiteLLMGenerateKey', litellmGenerateKeySchema),
  LiteLLMGeneratedKey: named('LiteLLMGeneratedKey', litellmGeneratedKeySchema),
  LiteLLMKeyInfoResponse: named('LiteLLMKeyInfoResponse', litellmKeyInfoResponseSchema),
  LiteLLMDeleteKeys: named('LiteLLMDeleteKeys', litellmDeleteKeysSchema),
  LiteLLMDeletedKeys: named('LiteLLMDeletedKeys', litellmDeletedKeysSchema),
  LiteLLMNewModel: named('LiteLLMNewModel', litellmNewModelSchema),
  LiteLLMNewModelResponse: named('LiteLLMNewModelResponse', litellmNewModelResponseSchema),
  LiteLLMModelList: named('LiteLLMModelList', litellmModelListSchema),
  LiteLLMDeleteModel: named('LiteLLMDeleteModel', litellmDeleteModelSchema),
  LiteLLMMessage: named('LiteLLMMessage', litellmMessageSchema),
};

const healthCheck = z.object({ status: z.enum(['ok', 'error']), detail: z.string().optional() });
const readinessReport = z.object({
  status: z.enum(['ok', 'error']),
  checks: z.record(z.string(), healthCheck),
});
const yamlText = z.string().describe('A LiteLLM proxy config.yaml');

/**
 * Every route the gateway serves except the OpenAI-compatible data plane (`/v1/…` and its unprefixed
 * twins, documented by OpenAI's own API reference). `openapi.int-spec.ts` fails when a registered route is
 * missing here or an entry here names no route, so this table cannot drift from the controllers.
 */
export const DOCUMENTED_ROUTES: readonly DocumentedRoute[] = [
  // ---------- model groups ----------
  {
    method: 'GET',
    path: '/api/model-groups',
    tag: 'Model groups',
    summary: 'List model groups',
    query: pageQuerySchema,
    response: ok(S.ModelGroupPage),
  },
  {
    method: 'POST',
    path: '/api/model-groups',
    tag: 'Model groups',
    summary: 'Create a model group',
    body: json(S.CreateModelGroup),
    response: created(S.ModelGroup),
  },
  {
    method: 'GET',
    path: '/api/model-groups/:name',
    tag: 'Model groups',
    summary: 'Get a model group',
    params: { name: 'Group name (URL-encode slashes)' },
    response: ok(S.ModelGroup),
  },
  {
    method: 'PATCH',
    path: '/api/model-groups/:name',
    tag: 'Model groups',
    summary: 'Change the routing policy of a group',
    params: { name: 'Group name' },
    body: json(S.UpdateModelGroup),
    response: ok(S.ModelGroup),
  },
  {
    method: 'DELETE',
    path: '/api/model-groups/:name',
    tag: 'Model groups',
    summary: 'Delete an empty model group',
    description: '409 while deployments belong to it or another group falls back to it.',
    params: { name: 'Group name' },
    response: noContent,
  },

  // ---------- deployments ----------
  {
    method: 'GET',
    path: '/api/deployments',
    tag: 'Deployments',
    summary: 'List deployments',
    query: deploymentListQuerySchema,
    response: ok(S.DeploymentPage),
  },
  {
    method: 'POST',
    path: '/api/deployments',
    tag: 'Deployments',
    summary: 'Create a deployment',
    description:
      'Creates its model group (default policy) when missing. The API key is write-only: answers show a hint such as `sk-…abcd`.',
    body: json(S.CreateDeployment),
    response: created(S.Deployment),
  },
  {
    method: 'GET',
    path: '/api/deployments/:id',
    tag: 'Deployments',
    summary: 'Get a deployment with its live state',
    params: { id: 'Deployment id' },
    response: ok(S.Deployment),
  },
  {
    method: 'PATCH',
    path: '/api/deployments/:id',
    tag: 'Deployments',
    summary: 'Change a deployment',
    description: '`apiKey: null` removes the key; leaving it out keeps it.',
    params: { id: 'Deployment id' },
    body: json(S.UpdateDeployment),
    response: ok(S.Deployment),
  },
  {
    method: 'DELETE',
    path: '/api/deployments/:id',
    tag: 'Deployments',
    summary: 'Delete a deployment',
    params: { id: 'Deployment id' },
    response: noContent,
  },
  {
    method: 'POST',
    path: '/api/deployments/:id/test',
    tag: 'Deployments',
    summary: 'Test the upstream connection',
    description: 'Always 200: the result says whether the upstream accepted the settings.',
    params: { id: 'Deployment id' },
    response: ok(S.DeploymentTestResult),
  },
  {
    method: 'POST',
    path: '/api/deployments/:id/reset',
    tag: 'Deployments',
    summary: 'Put back into rotation',
    description:
      'Clears the cooldown, failure count and "does not serve" memory of the deployment, on every instance. Editing or re-enabling a deployment does the same.',
    params: { id: 'Deployment id' },
    response: ok(S.Deployment),
  },

  // ---------- projects and keys ----------
  {
    method: 'GET',
    path: '/api/projects',
    tag: 'Projects',
    summary: 'List projects',
    query: pageQuerySchema,
    response: ok(S.ProjectPage),
  },
  {
    method: 'POST',
    path: '/api/projects',
    tag: 'Projects',
    summary: 'Create a project',
    body: json(S.CreateProject),
    response: created(S.Project),
  },
  {
    method: 'GET',
    path: '/api/projects/:id',
    tag: 'Projects',
    summary: 'Get a project',
    params: { id: 'Project id' },
    response: ok(S.Project),
  },
  {
    method: 'PATCH',
    path: '/api/projects/:id',
    tag: 'Projects',
    summary: 'Change a project',
    params: { id: 'Project id' },
    body: json(S.UpdateProject),
    response: ok(S.Project),
  },
  {
    method: 'DELETE',
    path: '/api/projects/:id',
    tag: 'Projects',
    summary: 'Delete a project without active keys',
    params: { id: 'Project id' },
    response: noContent,
  },
  {
    method: 'GET',
    path: '/api/keys',
    tag: 'Virtual keys',
    summary: 'List virtual keys',
    query: keyListQuerySchema,
    response: ok(S.VirtualKeyPage),
  },
  {
    method: 'POST',
    path: '/api/keys',
    tag: 'Virtual keys',
    summary: 'Create a virtual key',
    description: 'The answer carries the secret once, as `key`.',
    body: json(S.CreateKey),
    response: created(S.CreatedKey),
  },
  {
    method: 'GET',
    path: '/api/keys/:id',
    tag: 'Virtual keys',
    summary: 'Get a virtual key (never its secret)',
    params: { id: 'Key id' },
    response: ok(S.VirtualKey),
  },
  {
    method: 'GET',
    path: '/api/keys/models',
    tag: 'Virtual keys',
    summary: 'The model group names a key can be limited to (for whoever issues keys)',
    response: ok(z.object({ data: z.array(z.string()) })),
  },
  {
    method: 'PATCH',
    path: '/api/keys/:id',
    tag: 'Virtual keys',
    summary: 'Change limits, models or metadata',
    params: { id: 'Key id' },
    body: json(S.UpdateKey),
    response: ok(S.VirtualKey),
  },
  {
    method: 'POST',
    path: '/api/keys/:id/revoke',
    tag: 'Virtual keys',
    summary: 'Revoke a key (idempotent)',
    params: { id: 'Key id' },
    response: ok(S.VirtualKey),
  },
  {
    method: 'POST',
    path: '/api/keys/:id/rotate',
    tag: 'Virtual keys',
    summary: 'Replace the secret, optionally keeping the old one for a grace period',
    params: { id: 'Key id' },
    body: json(S.RotateKey),
    response: ok(S.CreatedKey),
  },

  // ---------- observability ----------
  {
    method: 'GET',
    path: '/api/logs',
    tag: 'Usage',
    summary: 'List request logs, newest first',
    query: logListQuerySchema,
    response: ok(S.RequestLogPage),
  },
  {
    method: 'GET',
    path: '/api/logs/:id',
    tag: 'Usage',
    summary: 'One request log with its attempts',
    params: { id: 'Log id' },
    response: ok(S.RequestLogDetail),
  },
  {
    method: 'GET',
    path: '/api/stats/distribution',
    tag: 'Usage',
    summary: 'Traffic and cost per deployment, project, key or group over time',
    query: distributionQuerySchema,
    response: ok(S.Distribution),
  },
  {
    method: 'GET',
    path: '/api/stats/summary',
    tag: 'Usage',
    summary: 'Headline numbers for a time range',
    query: usageSummaryQuerySchema,
    response: ok(S.UsageSummary),
  },
  {
    method: 'GET',
    path: '/api/stats/attempts',
    tag: 'Usage',
    summary: 'Every attempt per deployment (retries and fallbacks included), failed ones by kind',
    query: attemptStatsQuerySchema,
    response: ok(S.AttemptStats),
  },
  {
    method: 'GET',
    path: '/api/prices',
    tag: 'Prices',
    summary: 'List model prices, with the source of each (built-in default or set by an operator)',
    query: modelPriceListQuerySchema,
    response: ok(S.ModelPricePage),
  },
  {
    method: 'PUT',
    path: '/api/prices/:model',
    tag: 'Prices',
    summary: 'Create or replace the price of a model',
    params: { model: 'Model id (URL-encode slashes, e.g. openai%2Fgpt-4.1)' },
    body: json(S.PutModelPrice),
    response: ok(S.ModelPrice),
  },
  {
    method: 'DELETE',
    path: '/api/prices/:model',
    tag: 'Prices',
    summary: 'Reset a model to its built-in price, or delete the price of a model without one',
    description:
      'A model Switchboard ships a price for (`defaultPrice` in the list) gets that price back; any other model loses its price (its requests are then costed by the longest priced id they start with, else at 0). 404 when the model has no price.',
    params: { model: 'Model id (URL-encode slashes, e.g. openai%2Fgpt-4.1)' },
    response: noContent,
  },
  {
    method: 'GET',
    path: '/api/audit',
    tag: 'Audit',
    summary: 'Audit events, newest first',
    query: auditListQuerySchema,
    response: ok(S.AuditEventPage),
  },

  // ---------- LiteLLM config ----------
  {
    method: 'POST',
    path: '/api/import/litellm',
    tag: 'LiteLLM',
    summary: 'Import a LiteLLM proxy config.yaml',
    description:
      "Creates and updates model groups and deployments; never deletes. `os.environ/NAME` references resolve only from the file's environment_variables and the `env`/`dotenv` sent with it, never from the gateway's environment; a deployment whose reference was not supplied is skipped and listed under `unresolved`. With `dryRun=true` only the plan is answered. Importing the same file twice changes nothing the second time. Keys the file has that Switchboard does not use come back as warnings.",
    query: litellmImportQuerySchema,
    body: {
      description: 'The file itself, or JSON `{"yaml": "…", "env"?, "dotenv"?, "names"?}`.',
      content: {
        'application/yaml': yamlText,
        'application/x-yaml': yamlText,
        'text/yaml': yamlText,
        'text/plain': yamlText,
        'application/json': importRequestSchema,
      },
    },
    response: ok(S.ImportPlan, 'The plan (applied unless dryRun)'),
  },
  {
    method: 'GET',
    path: '/api/export/litellm',
    tag: 'LiteLLM',
    summary: 'Export the routing configuration as a LiteLLM config.yaml',
    description:
      'API keys are never exported: each is an `os.environ/SWITCHBOARD_KEY_…` placeholder, listed in the header comment.',
    response: { status: 200, description: 'config.yaml', contentType: 'application/yaml', body: yamlText },
  },

  // ---------- LiteLLM Proxy compatibility ----------
  {
    method: 'POST',
    path: '/key/generate',
    tag: 'LiteLLM Proxy compatibility',
    summary: 'LiteLLM /key/generate',
    description:
      'Without team_id the key goes to the project "LiteLLM compat". budget_duration maps onto daily (1d, 24h), weekly (7d, 1w) or monthly (30d, 1mo) periods.',
    body: json(S.LiteLLMGenerateKey),
    response: ok(S.LiteLLMGeneratedKey),
  },
  {
    method: 'GET',
    path: '/key/info',
    tag: 'LiteLLM Proxy compatibility',
    summary: 'LiteLLM /key/info',
    query: litellmKeyInfoQuerySchema,
    response: ok(S.LiteLLMKeyInfoResponse),
  },
  {
    method: 'POST',
    path: '/key/delete',
    tag: 'LiteLLM Proxy compatibility',
    summary: 'LiteLLM /key/delete (revokes)',
    body: json(S.LiteLLMDeleteKeys),
    response: ok(S.LiteLLMDeletedKeys),
  },
  {
    method: 'POST',
    path: '/model/new',
    tag: 'LiteLLM Proxy compatibility',
    summary: 'LiteLLM /model/new (adds a deployment)',
    body: json(S.LiteLLMNewModel),
    response: ok(S.LiteLLMNewModelResponse),
  },
  {
    method: 'GET',
    path: '/model/info',
    tag: 'LiteLLM Proxy compatibility',
    summary: 'LiteLLM /model/info (lists deployments)',
    query: litellmModelInfoQuerySchema,
    response: ok(S.LiteLLMModelList),
  },
  {
    method: 'POST',
    path: '/model/delete',
    tag: 'LiteLLM Proxy compatibility',
    summary: 'LiteLLM /model/delete',
    body: json(S.LiteLLMDeleteModel),
    response: ok(S.LiteLLMMessage),
  },

  // ---------- accounts ----------
  {
    method: 'GET',
    path: '/api/accounts',
    tag: 'Accounts',
    summary: 'List operator accounts',
    query: pageQuerySchema,
    response: ok(S.AccountPage),
  },
  {
    method: 'POST',
    path: '/api/accounts',
    tag: 'Accounts',
    summary: 'Invite an account (answers a one-time set-password link, valid 72 h)',
    body: json(S.CreateAccount),
    response: created(S.AccountInvite),
  },
  {
    method: 'GET',
    path: '/api/accounts/:id',
    tag: 'Accounts',
    summary: 'One account',
    response: ok(S.Account),
  },
  {
    method: 'PATCH',
    path: '/api/accounts/:id',
    tag: 'Accounts',
    summary: 'Change name, role, projects or status (the last active admin cannot be demoted or disabled)',
    body: json(S.UpdateAccount),
    response: ok(S.Account),
  },
  {
    method: 'POST',
    path: '/api/accounts/:id/reset-password',
    tag: 'Accounts',
    summary: "A new one-time set-password link (24 h); ends the account's sessions",
    response: ok(S.AccountInvite),
  },

  // ---------- the caller's own account ----------
  {
    method: 'GET',
    path: '/api/me',
    tag: 'Accounts',
    summary: 'The signed-in account, its role, permissions and project scope (not for the master key)',
    response: ok(S.Caller),
  },
  {
    method: 'POST',
    path: '/api/me/password',
    tag: 'Accounts',
    summary: 'Change your password (needs the current one); your other console sessions end',
    body: json(S.ChangePassword),
    response: noContent,
  },
  {
    method: 'POST',
    path: '/api/me/sessions/revoke',
    tag: 'Accounts',
    summary: 'Sign out everywhere: every console session of your account ends, this one included',
    response: noContent,
  },
  {
    method: 'GET',
    path: '/api/me/tokens',
    tag: 'Accounts',
    summary: "The caller's live personal API tokens",
    response: ok(z.array(S.ApiToken.schema)),
  },
  {
    method: 'POST',
    path: '/api/me/tokens',
    tag: 'Accounts',
    summary: "Create a personal API token (`sb-admin-…`, shown once; acts with the account's role)",
    body: json(S.CreateApiToken),
    response: created(S.CreatedApiToken),
  },
  {
    method: 'DELETE',
    path: '/api/me/tokens/:id',
    tag: 'Accounts',
    summary: 'Revoke one of your personal API tokens',
    response: noContent,
  },

  // ---------- public ----------
  {
    method: 'POST',
    path: '/api/auth/login',
    tag: 'Console sign-in',
    public: true,
    summary: 'Sign in with an email and password, or the master key (sets the session cookie)',
    body: json(S.Login),
    response: ok(z.object({ expiresAt: z.string() })),
  },
  {
    method: 'POST',
    path: '/api/auth/setup',
    tag: 'Console sign-in',
    public: true,
    summary: 'Create the first admin account (only while none exists; needs the master key) and sign in',
    body: json(S.FirstAdmin),
    response: created(z.object({ expiresAt: z.string() })),
  },
  {
    method: 'POST',
    path: '/api/auth/set-password',
    tag: 'Console sign-in',
    public: true,
    summary: 'Set a password with the one-time token from an invite or reset (single use)',
    body: json(S.SetPassword),
    response: noContent,
  },
  {
    method: 'GET',
    path: '/api/auth/oidc/login',
    tag: 'Console sign-in',
    public: true,
    summary: 'Single sign-on: redirects the browser to the OpenID Connect provider (PKCE, state, nonce)',
    description:
      '`?returnTo=/path` is where the console lands afterwards (paths of the console only). 404 `sso_not_configured` without OIDC_ISSUER.',
    response: { status: 302, description: 'To the identity provider' },
  },
  {
    method: 'GET',
    path: '/api/auth/oidc/callback',
    tag: 'Console sign-in',
    public: true,
    summary: "The provider's redirect back: signs in (session cookie) and redirects into the console",
    description:
      'A refusal redirects to `/login?error=<code>`: `sso_domain_not_allowed`, `sso_account_disabled`, `sso_no_role`, `sso_too_many_attempts` or `sso_failed`.',
    response: { status: 302, description: 'Into the console, or back to the login page with an error code' },
  },
  {
    method: 'GET',
    path: '/api/auth/options',
    tag: 'Console sign-in',
    public: true,
    summary: 'What the login page offers (first-admin setup, single sign-on)',
    response: ok(S.AuthOptions),
  },
  {
    method: 'POST',
    path: '/api/auth/logout',
    tag: 'Console sign-in',
    public: true,
    summary: 'Sign out (clears the session cookie)',
    response: noContent,
  },
  {
    method: 'GET',
    path: '/api/auth/session',
    tag: 'Console sign-in',
    public: true,
    summary: 'Who is signed in: account, role, permissions and project scope',
    description: 'Always 200: `{"authenticated": false}` when no valid session cookie came with the request.',
    response: ok(S.Session),
  },
  {
    method: 'GET',
    path: '/health',
    tag: 'Operations',
    public: true,
    summary: 'Liveliness and readiness',
    response: ok(
      z.object({
        status: z.enum(['ok', 'degraded', 'error']),
        liveliness: z.object({ status: z.literal('ok') }),
        readiness: readinessReport,
        checks: z.record(z.string(), healthCheck).describe('Readiness parts plus database and migrations'),
      }),
      'OK (503 when not ready; `degraded` when serving with the database down)',
    ),
  },
  {
    method: 'GET',
    path: '/health/liveliness',
    tag: 'Operations',
    public: true,
    summary: 'The process is up',
    response: ok(z.object({ status: z.literal('ok') })),
  },
  {
    method: 'GET',
    path: '/health/readiness',
    tag: 'Operations',
    public: true,
    summary: 'Router and keys are loaded (the database is not required to serve)',
    response: ok(readinessReport, 'OK (503 when not ready)'),
  },
  {
    method: 'GET',
    path: '/metrics',
    tag: 'Operations',
    public: true,
    summary: 'Prometheus metrics',
    response: {
      status: 200,
      description: 'Prometheus text format',
      contentType: 'text/plain',
      body: z.string(),
    },
  },
  {
    method: 'GET',
    path: '/api/docs',
    tag: 'Operations',
    public: true,
    summary: 'This documentation, as a page',
    response: { status: 200, description: 'HTML', contentType: 'text/html', body: z.string() },
  },
  {
    method: 'GET',
    path: '/api/docs/openapi.json',
    tag: 'Operations',
    public: true,
    summary: 'This documentation, as OpenAPI 3.1',
    response: ok(z.record(z.string(), z.unknown())),
  },
];
