import {
  accountInviteSchema,
  accountPageSchema,
  accountSchema,
  anyLoginSchema,
  apiTokenSchema,
  attemptStatsSchema,
  auditEventPageSchema,
  authOptionsSchema,
  authSessionSchema,
  callerSchema,
  changePasswordSchema,
  createAccountSchema,
  createApiTokenSchema,
  createdApiTokenSchema,
  createdKeySchema,
  createDeploymentSchema,
  createKeySchema,
  createModelGroupSchema,
  createProjectSchema,
  deploymentPageSchema,
  deploymentSchema,
  deploymentTestResultSchema,
  distributionSchema,
  endUserListSchema,
  firstAdminSchema,
  importPlanSchema,
  importRequestSchema,
  modelGroupPageSchema,
  modelGroupSchema,
  modelPricePageSchema,
  modelPriceSchema,
  projectPageSchema,
  projectSchema,
  putModelPriceSchema,
  requestLogDetailSchema,
  requestLogPageSchema,
  rotateKeySchema,
  setPasswordSchema,
  updateAccountSchema,
  updateDeploymentSchema,
  updateKeySchema,
  updateModelGroupSchema,
  saveGroupRoutingSchema,
  updateProjectSchema,
  usageSummarySchema,
  virtualKeyPageSchema,
  virtualKeySchema,
} from '@switchboard/contracts';
import { z } from 'zod';
import { playgroundChatSchema, playgroundCompletionSchema } from '@switchboard/contracts';
import {
  alertChannelListSchema,
  alertChannelSchema,
  alertEventPageSchema,
  alertRuleListSchema,
  alertRuleSchema,
  alertTestResultSchema,
  createAlertChannelSchema,
  createAlertRuleSchema,
  updateAlertChannelSchema,
  updateAlertRuleSchema,
} from '@switchboard/contracts';
import {
  litellmDeletedKeysSchema,
  litellmDeleteKeysSchema,
  litellmDeleteModelSchema,
  litellmGeneratedKeySchema,
  litellmGenerateKeySchema,
  litellmKeyInfoResponseSchema,
  litellmMessageSchema,
  litellmModelListSchema,
  litellmNewModelResponseSchema,
  litellmNewModelSchema,
} from '../litellm-compat/litellm-compat.dto';

export type HttpMethod = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

/** A schema that appears under `components.schemas` by this name. */
export interface NamedSchema {
  name: string;
  schema: z.ZodType;
}
export type Schema = NamedSchema | z.ZodType;

export interface RouteBody {
  description?: string;
  /** Content type → schema. */
  content: Record<string, Schema>;
}

export interface RouteResponse {
  status: number;
  description: string;
  contentType?: string;
  body?: Schema;
}

/** A route of the admin side as the document builder reads it. */
export interface DocumentedRoute {
  method: HttpMethod;
  /** As registered with Fastify (`/api/deployments/:id`); the document writes `{id}`. */
  path: string;
  tag: string;
  summary: string;
  description?: string;
  /** Reachable without credentials; every other route needs the permission auth/permissions.ts names. */
  public: boolean;
  /** Path parameter → description. */
  params: Record<string, string>;
  query?: z.ZodType;
  body?: RouteBody;
  response: RouteResponse;
}

/** What a row of the table says beyond its route and summary. */
interface RouteSpec {
  description?: string;
  query?: z.ZodType;
  body?: Schema | RouteBody;
  ok?: Schema;
  created?: Schema;
  noContent?: true;
  /** Anything else: redirects, text. */
  response?: RouteResponse;
  params?: Record<string, string>;
}
type Row = readonly [route: `${HttpMethod} /${string}`, summary: string, spec?: RouteSpec];

const isRouteBody = (body: Schema | RouteBody): body is RouteBody => 'content' in body;

function responseOf(spec: RouteSpec): RouteResponse {
  if (spec.response) return spec.response;
  if (spec.created) return { status: 201, description: 'Created', body: spec.created };
  if (spec.ok) return { status: 200, description: 'OK', body: spec.ok };
  return { status: 204, description: 'Done; no body.' };
}

/** One tag's rows as routes; `params` describes path parameters shared by the rows. */
function section(
  tag: string,
  rows: readonly Row[],
  options: { public?: true; params?: Record<string, string> } = {},
): DocumentedRoute[] {
  return rows.map(([route, summary, spec = {}]) => {
    const [method, path] = route.split(' ') as [HttpMethod, string];
    const body =
      spec.body && (isRouteBody(spec.body) ? spec.body : { content: { 'application/json': spec.body } });
    return {
      method,
      path,
      tag,
      summary,
      ...(spec.description ? { description: spec.description } : {}),
      public: options.public === true,
      params: { ...options.params, ...spec.params },
      ...(spec.query ? { query: spec.query } : {}),
      ...(body ? { body } : {}),
      response: responseOf(spec),
    };
  });
}

const named = <T extends Record<string, z.ZodType>>(schemas: T) =>
  Object.fromEntries(Object.entries(schemas).map(([name, schema]) => [name, { name, schema }])) as {
    [K in keyof T]: NamedSchema;
  };

const S = named({
  ModelGroup: modelGroupSchema,
  ModelGroupPage: modelGroupPageSchema,
  CreateModelGroup: createModelGroupSchema,
  UpdateModelGroup: updateModelGroupSchema,
  SaveGroupRouting: saveGroupRoutingSchema,
  Deployment: deploymentSchema,
  DeploymentPage: deploymentPageSchema,
  CreateDeployment: createDeploymentSchema,
  UpdateDeployment: updateDeploymentSchema,
  DeploymentTestResult: deploymentTestResultSchema,
  Project: projectSchema,
  ProjectPage: projectPageSchema,
  CreateProject: createProjectSchema,
  UpdateProject: updateProjectSchema,
  VirtualKey: virtualKeySchema,
  VirtualKeyPage: virtualKeyPageSchema,
  CreatedKey: createdKeySchema,
  CreateKey: createKeySchema,
  UpdateKey: updateKeySchema,
  RotateKey: rotateKeySchema,
  RequestLogPage: requestLogPageSchema,
  RequestLogDetail: requestLogDetailSchema,
  Distribution: distributionSchema,
  UsageSummary: usageSummarySchema,
  EndUserList: endUserListSchema,
  AttemptStats: attemptStatsSchema,
  ModelPrice: modelPriceSchema,
  ModelPricePage: modelPricePageSchema,
  PutModelPrice: putModelPriceSchema,
  AuditEventPage: auditEventPageSchema,
  ImportPlan: importPlanSchema,
  ImportRequest: importRequestSchema,
  Login: anyLoginSchema,
  Caller: callerSchema,
  Session: authSessionSchema,
  FirstAdmin: firstAdminSchema,
  AuthOptions: authOptionsSchema,
  ApiToken: apiTokenSchema,
  Account: accountSchema,
  AccountPage: accountPageSchema,
  AccountInvite: accountInviteSchema,
  CreateAccount: createAccountSchema,
  UpdateAccount: updateAccountSchema,
  SetPassword: setPasswordSchema,
  CreateApiToken: createApiTokenSchema,
  ChangePassword: changePasswordSchema,
  CreatedApiToken: createdApiTokenSchema,
  LiteLLMGenerateKey: litellmGenerateKeySchema,
  LiteLLMGeneratedKey: litellmGeneratedKeySchema,
  LiteLLMKeyInfoResponse: litellmKeyInfoResponseSchema,
  LiteLLMDeleteKeys: litellmDeleteKeysSchema,
  LiteLLMDeletedKeys: litellmDeletedKeysSchema,
  LiteLLMNewModel: litellmNewModelSchema,
  LiteLLMNewModelResponse: litellmNewModelResponseSchema,
  LiteLLMModelList: litellmModelListSchema,
  LiteLLMDeleteModel: litellmDeleteModelSchema,
  LiteLLMMessage: litellmMessageSchema,
});

const A = named({
  AlertChannel: alertChannelSchema,
  AlertChannelList: alertChannelListSchema,
  CreateAlertChannel: createAlertChannelSchema,
  UpdateAlertChannel: updateAlertChannelSchema,
  AlertTestResult: alertTestResultSchema,
  AlertRule: alertRuleSchema,
  AlertRuleList: alertRuleListSchema,
  CreateAlertRule: createAlertRuleSchema,
  UpdateAlertRule: updateAlertRuleSchema,
  AlertEventPage: alertEventPageSchema,
});

const healthCheck = z.object({ status: z.enum(['ok', 'error']), detail: z.string().optional() });
const readinessReport = z.object({
  status: z.enum(['ok', 'error']),
  checks: z.record(z.string(), healthCheck),
});
const health = z.object({
  status: z.enum(['ok', 'degraded', 'error']),
  liveliness: z.object({ status: z.literal('ok') }),
  readiness: readinessReport,
  checks: z.record(z.string(), healthCheck).describe('Readiness parts plus database and migrations'),
});
const yamlText = z.string().describe('A LiteLLM proxy config.yaml');
const sessionExpiry = z.object({ expiresAt: z.string() });
const text = (contentType: string, description: string): RouteResponse => ({
  status: 200,
  description,
  contentType,
  body: z.string(),
});
const redirect = (description: string): RouteResponse => ({ status: 302, description });

/** The schemas the document names under `components.schemas`; a handler's body schema found here is named. */
export const NAMED_SCHEMAS: readonly NamedSchema[] = [...Object.values(S), ...Object.values(A)];

/**
 * Every route outside the OpenAI-compatible data plane (openapi-data-plane.ts), one row each: its words
 * and its answer. Its body and query are not written here: they are the zod schemas its handler validates
 * with (`@Body`/`@Query(new ZodValidationPipe(…))`, read by handler-schemas.ts); a row states a body only
 * for what a pipe cannot say (other content types). Who may call a route is read from ROUTE_PERMISSIONS
 * (auth/permissions.ts), which the guard enforces. `openapi.int-spec.ts` fails when a registered route is
 * missing here, an entry names no route, or a protected route here has no permission there.
 */
export const DOCUMENTED_ROUTES: readonly DocumentedRoute[] = [
  ...section(
    'Model groups',
    [
      ['GET /api/model-groups', 'List model groups', { ok: S.ModelGroupPage }],
      ['POST /api/model-groups', 'Create a model group', { created: S.ModelGroup }],
      ['GET /api/model-groups/:name', 'Get a model group', { ok: S.ModelGroup }],
      ['PATCH /api/model-groups/:name', 'Change the routing policy', { ok: S.ModelGroup }],
      [
        'PUT /api/model-groups/:name/routing',
        "Save a group's routing in one transaction",
        {
          ok: S.ModelGroup,
          description:
            'The policy and the weights / priorities of its deployments, applied together or not at all (each change audited); the answer has the new expectedSplit.',
        },
      ],
      [
        'DELETE /api/model-groups/:name',
        'Delete an empty model group',
        { description: '409 while deployments belong to it or another group falls back to it.' },
      ],
    ],
    { params: { name: 'Model group name (URL-encode `/` as `%2F`)' } },
  ),
  ...section(
    'Deployments',
    [
      ['GET /api/deployments', 'List deployments', { ok: S.DeploymentPage }],
      [
        'POST /api/deployments',
        'Create a deployment',
        {
          description:
            'Creates its model group (default policy) when missing. The API key is write-only: answers show a hint such as `sk-…abcd`.',
          created: S.Deployment,
        },
      ],
      ['GET /api/deployments/:id', 'Get a deployment with its live state', { ok: S.Deployment }],
      [
        'PATCH /api/deployments/:id',
        'Change a deployment',
        {
          description: '`apiKey: null` removes the key; leaving it out keeps it.',
          ok: S.Deployment,
        },
      ],
      ['DELETE /api/deployments/:id', 'Delete a deployment'],
      [
        'POST /api/deployments/:id/test',
        'Test the upstream connection',
        {
          description:
            'Sends one small real (billed) request upstream. Always 200: the result says whether the upstream accepted the settings.',
          ok: S.DeploymentTestResult,
        },
      ],
      [
        'POST /api/deployments/:id/reset',
        'Put back into rotation',
        {
          description:
            'Clears the cooldown, failure count and "does not serve" memory of the deployment, on every instance. Editing or re-enabling a deployment does the same.',
          ok: S.Deployment,
        },
      ],
    ],
    { params: { id: 'Deployment id' } },
  ),
  ...section(
    'Projects',
    [
      ['GET /api/projects', 'List projects', { ok: S.ProjectPage }],
      ['POST /api/projects', 'Create a project', { created: S.Project }],
      ['GET /api/projects/:id', 'Get a project', { ok: S.Project }],
      ['PATCH /api/projects/:id', 'Change a project', { ok: S.Project }],
      ['DELETE /api/projects/:id', 'Delete a project without active keys'],
    ],
    { params: { id: 'Project id' } },
  ),
  ...section(
    'Virtual keys',
    [
      ['GET /api/keys', 'List virtual keys', { ok: S.VirtualKeyPage }],
      [
        'POST /api/keys',
        'Create a virtual key',
        {
          description: 'The answer carries the secret once, as `key`.',
          created: S.CreatedKey,
        },
      ],
      ['GET /api/keys/:id', 'Get a virtual key (never its secret)', { ok: S.VirtualKey }],
      [
        'GET /api/keys/models',
        'The model group names a key can be limited to (for whoever issues keys)',
        { ok: z.object({ data: z.array(z.string()) }) },
      ],
      ['PATCH /api/keys/:id', 'Change limits, models or metadata', { ok: S.VirtualKey }],
      ['POST /api/keys/:id/revoke', 'Revoke a key (idempotent)', { ok: S.VirtualKey }],
      [
        'POST /api/keys/:id/rotate',
        'Replace the secret, optionally keeping the old one for a grace period',
        { ok: S.CreatedKey },
      ],
    ],
    { params: { id: 'Key id' } },
  ),
  ...section(
    'Usage',
    [
      ['GET /api/logs', 'List request logs, newest first', { ok: S.RequestLogPage }],
      [
        'GET /api/logs/export',
        'Download the filtered request logs (newest first, at most 100,000) as CSV or JSON lines',
        {
          description:
            'Streams page by page. In CSV, text a spreadsheet would run as a formula (starting with =, +, -, @) gets a leading apostrophe.',
          response: text(
            'text/csv',
            'The rows: CSV, or JSON lines (`application/x-ndjson`) with format=jsonl',
          ),
        },
      ],
      ['GET /api/logs/:id', 'One request log with its attempts', { ok: S.RequestLogDetail }],
      [
        'GET /api/stats/distribution',
        'Traffic and cost per deployment, project, key or group over time',
        { ok: S.Distribution },
      ],
      ['GET /api/stats/summary', 'Headline numbers for a time range', { ok: S.UsageSummary }],
      [
        'GET /api/stats/end-users',
        'Top end users (the `user` field, e.g. from Dify) by requests or spend, counted per hour',
        { ok: S.EndUserList },
      ],
      [
        'GET /api/stats/attempts',
        'Attempts per deployment over time, failed ones by kind (retries and fallbacks included)',
        { ok: S.AttemptStats },
      ],
    ],
    { params: { id: 'Log id' } },
  ),
  ...section(
    'Prices',
    [
      [
        'GET /api/prices',
        'List model prices, with the source of each (built-in default or set by an operator)',
        { ok: S.ModelPricePage },
      ],
      ['PUT /api/prices/:model', 'Create or replace the price of a model', { ok: S.ModelPrice }],
      [
        'DELETE /api/prices/:model',
        'Reset a model to its built-in price, or delete the price of a model without one',
        {
          description:
            'A model Switchboard ships a price for (`defaultPrice` in the list) gets that price back; any other model loses its price (its requests are then costed by the longest priced id they start with, else at 0). 404 when the model has no price.',
        },
      ],
    ],
    { params: { model: 'Model id (URL-encode `/`, e.g. `openai%2Fgpt-4.1`)' } },
  ),
  ...section(
    'Alerts',
    [
      ['GET /api/alerts/channels', 'List alert channels (URLs as hints only)', { ok: A.AlertChannelList }],
      [
        'POST /api/alerts/channels',
        'Add a webhook or Slack-compatible channel',
        {
          description:
            'The URL is write-only (stored encrypted); answers show `urlHint`. Only http and https.',
          created: A.AlertChannel,
        },
      ],
      [
        'PATCH /api/alerts/channels/:id',
        'Change a channel',
        { description: 'Leaving `url` out keeps it.', ok: A.AlertChannel },
      ],
      ['DELETE /api/alerts/channels/:id', 'Delete a channel (rules stop sending to it)'],
      [
        'POST /api/alerts/channels/:id/test',
        'Send a test notification now',
        {
          description:
            'Always 200 for a channel that exists: the result says whether the receiver took it (5 s limit, redirects not followed). Recorded in the history as `test`.',
          ok: A.AlertTestResult,
        },
      ],
      ['GET /api/alerts/rules', 'List alert rules with what each is firing for now', { ok: A.AlertRuleList }],
      [
        'POST /api/alerts/rules',
        'Add an alert rule',
        {
          description:
            'The target (deployment id, model group name or key id) and the channels must exist. `project.budget` is refused: projects have no budget (use `key.budget`).',
          created: A.AlertRule,
        },
      ],
      ['PATCH /api/alerts/rules/:id', 'Change an alert rule', { ok: A.AlertRule }],
      ['DELETE /api/alerts/rules/:id', 'Delete an alert rule'],
      [
        'GET /api/alerts/events',
        'Alert history, newest first: every notification sent or failed, and tests',
        { ok: A.AlertEventPage },
      ],
    ],
    { params: { id: 'Channel or rule id' } },
  ),
  ...section('Audit', [['GET /api/audit', 'Audit events, newest first', { ok: S.AuditEventPage }]]),
  ...section('Playground', [
    [
      'POST /api/playground/chat',
      'Send a chat through the data plane as a chosen key',
      {
        description:
          "Runs the chat exactly as the key (`keyId`; null: the master key, no key limits) would send it to /v1/chat/completions: the key's model list and limits, routing, retries and fallbacks, the request log (end user `playground:account:<account id>` or `playground:master-key`) and the key's spend. `stream: true` answers `text/event-stream`: the data plane's chunks, then one `event: switchboard` whose data is the `switchboard` object below; a failure after the stream started is a `data: {\"error\":…}` event before it. `stream: false` answers the completion with a `switchboard` object. Refused before routing: the admin error envelope with the data plane's status and code (403 `model_not_allowed`, 429 `rate_limit_exceeded` / `insufficient_quota`); every deployment failed: its status, the envelope and `switchboard`. 404 `key_not_found`, 403 `key_revoked` / `key_expired`. Needs config:write: it spends money.",
        body: { name: 'PlaygroundChat', schema: playgroundChatSchema },
        ok: { name: 'PlaygroundCompletion', schema: playgroundCompletionSchema },
      },
    ],
  ]),
  ...section('LiteLLM', [
    [
      'POST /api/import/litellm',
      'Import a LiteLLM proxy config.yaml',
      {
        description:
          "Creates and updates model groups and deployments; never deletes. `os.environ/NAME` references resolve only from the file's environment_variables and the `env`/`dotenv` sent with it, never from the gateway's environment; a deployment whose reference was not supplied is skipped and listed under `unresolved`. With `dryRun=true` only the plan is answered. Importing the same file twice changes nothing the second time. Keys the file has that Switchboard does not use come back as warnings.",
        body: {
          description: 'The file itself, or JSON `{"yaml": "…", "env"?, "dotenv"?, "names"?}`.',
          content: {
            'application/yaml': yamlText,
            'application/x-yaml': yamlText,
            'text/yaml': yamlText,
            'text/plain': yamlText,
            'application/json': S.ImportRequest,
          },
        },
        response: { status: 200, description: 'The plan (applied unless dryRun)', body: S.ImportPlan },
      },
    ],
    [
      'GET /api/export/litellm',
      'Export the routing configuration as a LiteLLM config.yaml',
      {
        description:
          'API keys are never exported: each is an `os.environ/SWITCHBOARD_KEY_…` placeholder, listed in the header comment.',
        response: text('application/yaml', 'config.yaml'),
      },
    ],
  ]),
  ...section('LiteLLM Proxy compatibility', [
    [
      'POST /key/generate',
      'LiteLLM /key/generate',
      {
        description:
          'Without team_id the key goes to the project "LiteLLM compat". budget_duration maps onto daily (1d, 24h), weekly (7d, 1w) or monthly (30d, 1mo) periods.',
        ok: S.LiteLLMGeneratedKey,
      },
    ],
    ['GET /key/info', 'LiteLLM /key/info', { ok: S.LiteLLMKeyInfoResponse }],
    ['POST /key/delete', 'LiteLLM /key/delete (revokes)', { ok: S.LiteLLMDeletedKeys }],
    ['POST /model/new', 'LiteLLM /model/new (adds a deployment)', { ok: S.LiteLLMNewModelResponse }],
    ['GET /model/info', 'LiteLLM /model/info (lists deployments)', { ok: S.LiteLLMModelList }],
    ['POST /model/delete', 'LiteLLM /model/delete', { ok: S.LiteLLMMessage }],
  ]),
  ...section(
    'Accounts',
    [
      ['GET /api/accounts', 'List operator accounts', { ok: S.AccountPage }],
      [
        'POST /api/accounts',
        'Invite an account (answers a one-time set-password link, valid 72 h)',
        { created: S.AccountInvite },
      ],
      ['GET /api/accounts/:id', 'One account', { ok: S.Account }],
      [
        'PATCH /api/accounts/:id',
        'Change name, role, projects or status (the last active admin cannot be demoted or disabled)',
        { ok: S.Account },
      ],
      [
        'POST /api/accounts/:id/reset-password',
        "A new one-time set-password link (24 h); ends the account's sessions",
        { ok: S.AccountInvite },
      ],
      [
        'GET /api/me',
        'The signed-in account, its role, permissions and project scope (not for the master key)',
        { ok: S.Caller },
      ],
      [
        'POST /api/me/password',
        'Change your password (needs the current one); your other console sessions end',
        {},
      ],
      ['POST /api/me/sessions/revoke', 'Sign out everywhere: every console session of your account ends'],
      ['GET /api/me/tokens', "The caller's live personal API tokens", { ok: z.array(S.ApiToken.schema) }],
      [
        'POST /api/me/tokens',
        "Create a personal API token (sb-admin-…, shown once; acts with the account's role)",
        { created: S.CreatedApiToken },
      ],
      ['DELETE /api/me/tokens/:id', 'Revoke one of your personal API tokens'],
    ],
    { params: { id: 'Account id (token id under /api/me/tokens)' } },
  ),
  ...section(
    'Console sign-in',
    [
      [
        'POST /api/auth/login',
        'Sign in with an email and password, or the master key (sets the session cookie)',
        { ok: sessionExpiry },
      ],
      [
        'POST /api/auth/setup',
        'Create the first admin account (only while none exists; needs the master key) and sign in',
        { created: sessionExpiry },
      ],
      [
        'POST /api/auth/set-password',
        'Set a password with the one-time token from an invite or reset (single use)',
        {},
      ],
      [
        'GET /api/auth/oidc/login',
        'Single sign-on: redirects the browser to the OpenID Connect provider (PKCE, state, nonce)',
        {
          description:
            '`?returnTo=/path` is where the console lands afterwards (paths of the console only). 404 `sso_not_configured` without OIDC_ISSUER.',
          response: redirect('To the identity provider'),
        },
      ],
      [
        'GET /api/auth/oidc/callback',
        "The provider's redirect back: signs in (session cookie) and redirects into the console",
        {
          description:
            'A refusal redirects to `/login?error=<code>`: `sso_domain_not_allowed`, `sso_account_disabled`, `sso_no_role`, `sso_too_many_attempts` or `sso_failed`.',
          response: redirect('Into the console, or back to the login page with an error code'),
        },
      ],
      [
        'GET /api/auth/options',
        'What the login page offers (first-admin setup, single sign-on)',
        { ok: S.AuthOptions },
      ],
      ['POST /api/auth/logout', 'Sign out (clears the session cookie)'],
      [
        'GET /api/auth/session',
        'Who is signed in: account, role, permissions and project scope',
        {
          description:
            'Always 200: `{"authenticated": false}` when no valid session cookie came with the request.',
          ok: S.Session,
        },
      ],
    ],
    { public: true },
  ),
  ...section(
    'Operations',
    [
      [
        'GET /health',
        'Liveliness and readiness',
        {
          response: {
            status: 200,
            description: 'OK (503 when not ready; `degraded` when serving with the database down)',
            body: health,
          },
        },
      ],
      ['GET /health/liveliness', 'The process is up', { ok: z.object({ status: z.literal('ok') }) }],
      [
        'GET /health/readiness',
        'Router and keys are loaded (the database is not required to serve)',
        { response: { status: 200, description: 'OK (503 when not ready)', body: readinessReport } },
      ],
      [
        'GET /metrics',
        'Prometheus metrics',
        {
          description:
            'With METRICS_TOKEN set it needs that token (or the master key) as `Authorization: Bearer`; without it, it is open in development and needs the master key in production.',
          response: text('text/plain', 'Prometheus text format'),
        },
      ],
      ['GET /api/docs', 'This reference, as a page', { response: text('text/html', 'HTML') }],
      [
        'GET /api/docs/openapi.json',
        'This reference, as OpenAPI 3.1',
        { ok: z.record(z.string(), z.unknown()) },
      ],
      [
        'GET /api/docs/assets/:file',
        "The page's script and stylesheet (the renderer, served from its npm package)",
        {
          params: { file: 'A file of the page; anything else is 404' },
          response: { status: 200, description: 'JavaScript or CSS' },
        },
      ],
    ],
    { public: true },
  ),
];
