import { AdminError } from '../common/errors';
import { derivedDeploymentName, type EnvLookup, readLiteLLMConfig } from './litellm-config.reader';
import { type ExportDeployment, writeLiteLLMConfig } from './litellm-export.writer';
import { type CurrentGroup, planImport } from './litellm-import.plan';
import { parseConfigText } from './litellm-import.service';

const env: EnvLookup = (name) => ({ KEY_A: 'sk-a', KEY_B: 'sk-b', RPM: '60' })[name];
const read = (yaml: string, lookup: EnvLookup = env) => readLiteLLMConfig(parseConfigText(yaml), lookup);

function errorOf(fn: () => unknown): AdminError {
  try {
    fn();
  } catch (err) {
    if (err instanceof AdminError) return err;
    throw err;
  }
  throw new Error('expected an AdminError');
}

describe('readLiteLLMConfig', () => {
  it('maps provider prefixes onto provider kinds and upstream models', () => {
    const { deployments, warnings } = read(`
model_list:
  - model_name: a
    litellm_params: { model: openai/gpt-4.1, api_key: os.environ/KEY_A }
  - model_name: b
    litellm_params: { model: azure/my-deploy, api_base: https://x.openai.azure.com, api_version: 2024-10-21, api_key: k }
  - model_name: c
    litellm_params: { model: anthropic/claude-sonnet-4, api_key: k }
  - model_name: d
    litellm_params: { model: hosted_vllm/meta-llama/Llama-3-8B, api_base: http://vllm:8000/v1 }
  - model_name: e
    litellm_params: { model: ollama/llama3.2, api_base: http://ollama:11434 }
  - model_name: f
    litellm_params: { model: gpt-4o-mini, api_key: k }
  - model_name: g
    litellm_params: { model: bedrock/anthropic.claude-v2 }
`);
    expect(deployments.map((d) => [d.modelGroup, d.provider, d.model, d.apiBase])).toEqual([
      ['a', 'openai', 'gpt-4.1', null],
      ['b', 'azure', 'my-deploy', 'https://x.openai.azure.com'],
      ['c', 'anthropic', 'claude-sonnet-4', null],
      ['d', 'openai-compatible', 'meta-llama/Llama-3-8B', 'http://vllm:8000/v1'],
      ['e', 'openai-compatible', 'llama3.2', 'http://ollama:11434/v1'],
      ['f', 'openai', 'gpt-4o-mini', null],
    ]);
    expect(deployments[0]?.apiKey).toBe('sk-a');
    expect(deployments[1]?.apiVersion).toBe('2024-10-21');
    expect(warnings).toEqual([
      expect.stringMatching(/model_list\[6\].*'bedrock\/' is not supported; skipped/),
    ]);
  });

  it('converts limits, order and seconds, and ignores model_info.id without a warning', () => {
    const { deployments, groups, warnings } = read(`
model_list:
  - model_name: g
    litellm_params: { model: openai/x, api_key: k, rpm: os.environ/RPM, tpm: 1000, weight: 3, order: 2, timeout: 1.5, tags: [eu] }
    model_info: { id: abc-123 }
  - model_name: g
    litellm_params: { model: openai/y, api_key: k, order: 1 }
`);
    expect(deployments[0]).toMatchObject({
      rpmLimit: 60,
      tpmLimit: 1000,
      weight: 3,
      priority: 2,
      timeoutMs: 1500,
      tags: ['eu'],
    });
    expect(deployments[1]?.priority).toBe(1);
    expect(groups).toEqual([{ name: 'g', policy: { strategy: 'priority' } }]);
    expect(warnings).toEqual([]);
  });

  it('applies router_settings to every group and maps fallbacks per group', () => {
    const { groups } = read(`
model_list:
  - { model_name: big, litellm_params: { model: openai/gpt-4.1, api_key: k } }
  - { model_name: small, litellm_params: { model: openai/gpt-4.1-mini, api_key: k } }
router_settings:
  routing_strategy: latency-based-routing
  num_retries: 4
  timeout: 30
  allowed_fails: 0
  cooldown_time: 12
  fallbacks: [{ big: [small] }]
`);
    const policy = {
      strategy: 'lowest-latency',
      numRetries: 4,
      timeoutMs: 30000,
      allowedFails: 0, // unchanged: LiteLLM and Switchboard mean the same by it
      cooldownSeconds: 12,
    };
    expect(groups).toEqual([
      { name: 'big', policy: { ...policy, fallbacks: ['small'] } },
      { name: 'small', policy: { ...policy, fallbacks: [] } },
    ]);
  });

  it.each([
    ['simple-shuffle', 'weighted-shuffle'],
    ['least-busy', 'least-busy'],
    ['latency-based-routing', 'lowest-latency'],
    ['usage-based-routing', 'usage-based'],
    ['usage-based-routing-v2', 'usage-based'],
  ])('maps routing_strategy %s to %s', (litellm, ours) => {
    const { groups } = read(
      `model_list: [{ model_name: g, litellm_params: { model: openai/x, api_key: k } }]\nrouter_settings: { routing_strategy: ${litellm} }`,
    );
    expect(groups[0]?.policy.strategy).toBe(ours);
  });

  it("takes what a deployment serves from LiteLLM's model_info.mode", () => {
    const { deployments } = read(`
model_list:
  - { model_name: e, litellm_params: { model: openai/text-embedding-3-small, api_key: k }, model_info: { mode: embedding } }
  - { model_name: c, litellm_params: { model: openai/gpt-4.1, api_key: k }, model_info: { mode: chat } }
  - { model_name: d, litellm_params: { model: openai/gpt-4.1, api_key: k } }
`);
    expect(deployments.map((d) => d.capabilities)).toEqual([['embeddings'], ['chat'], []]);
  });

  it('warns about every key it does not use, and about unknown strategies', () => {
    const { warnings } = read(`
model_list:
  - model_name: g
    litellm_params: { model: openai/x, api_key: k, stream_timeout: 5, max_retries: 1 }
    model_info: { id: x, mode: image_generation }
  - model_name: g
    litellm_params: { model: openai/y, api_key: k, stream_timeout: 5 }
router_settings: { routing_strategy: cost-based-routing, redis_host: r }
litellm_settings: { drop_params: true, num_retries: 2 }
general_settings: { database_url: postgres://x }
callbacks: [langfuse]
`);
    expect(warnings).toEqual(
      expect.arrayContaining([
        expect.stringContaining(
          'model_list[*].litellm_params.stream_timeout is not used by Switchboard; ignored (entries 0, 1)',
        ),
        expect.stringContaining('model_list[*].litellm_params.max_retries'),
        expect.stringContaining('model_list[*].model_info.mode'),
        expect.stringContaining(
          "router_settings.routing_strategy 'cost-based-routing' has no Switchboard equivalent",
        ),
        'router_settings.redis_host is not used by Switchboard; ignored.',
        'litellm_settings.drop_params is not used by Switchboard; ignored.',
        'general_settings.database_url is not used by Switchboard; ignored.',
        'callbacks (top-level section) is not used by Switchboard; ignored.',
      ]),
    );
    expect(warnings.join('\n')).not.toContain('model_info.id');
    expect(warnings).toHaveLength(8);
  });

  it('lists every variable not supplied and skips only the deployments that need them', () => {
    const result = read(`
model_list:
  - { model_name: g, litellm_params: { model: openai/x, api_key: os.environ/NOPE_1 } }
  - { model_name: g, litellm_params: { model: openai/y, api_key: os.environ/NOPE_2, api_base: os.environ/NOPE_3 } }
  - { model_name: g, litellm_params: { model: openai/z, api_key: os.environ/KEY_A } }
general_settings: { master_key: os.environ/NOPE_4 }
`);
    expect(result.unresolved).toEqual([
      { variable: 'NOPE_1', deployments: ['nope_1'], paths: [] },
      // api_base is read before api_key
      { variable: 'NOPE_3', deployments: ['nope_2'], paths: [] },
      { variable: 'NOPE_2', deployments: ['nope_2'], paths: [] },
      { variable: 'NOPE_4', deployments: [], paths: ['general_settings.master_key'] },
    ]);
    expect(result.skipped.map((d) => d.name)).toEqual(['nope_1', 'nope_2']);
    expect(result.deployments.map((d) => d.name)).toEqual(['key_a']);
    expect(result.masterKey).toBeNull();
  });

  it('names deployments after their key variables, uniquely, keeping the derived name as an alias', () => {
    const { deployments } = read(`
model_list:
  - { model_name: g, litellm_params: { model: openai/x, api_key: os.environ/KEY_A } }
  - { model_name: h, litellm_params: { model: openai/x, api_key: os.environ/KEY_A } }
  - { model_name: g, litellm_params: { model: openai/x, api_key: os.environ/KEY_B }, model_info: { switchboard_deployment: key_a-2 } }
`);
    expect(deployments.map((d) => d.name)).toEqual(['key_a', 'key_a-3', 'key_a-2']);
    expect(deployments[0]?.aliases).toEqual([derivedDeploymentName('g', 'g\nopenai/x\n', 1)]);
  });

  it('never reads the process environment', () => {
    process.env.SB_READER_SPEC_SECRET = 'from-process';
    try {
      const result = read(
        'model_list: [{ model_name: g, litellm_params: { model: openai/x, api_key: os.environ/SB_READER_SPEC_SECRET } }]',
        () => undefined,
      );
      expect(result.deployments).toEqual([]);
      expect(result.unresolved.map((u) => u.variable)).toEqual(['SB_READER_SPEC_SECRET']);
    } finally {
      delete process.env.SB_READER_SPEC_SECRET;
    }
  });

  it('reads environment_variables from the file before the supplied values', () => {
    const { deployments } = read(`
environment_variables: { KEY_A: from-file }
model_list: [{ model_name: g, litellm_params: { model: openai/x, api_key: os.environ/KEY_A } }]
`);
    expect(deployments[0]?.apiKey).toBe('from-file');
  });

  it('reports invalid values with the LiteLLM path', () => {
    const err = errorOf(() =>
      read(`
model_list:
  - { model_name: g, litellm_params: { model: hosted_vllm/x } }
  - { model_name: "has space", litellm_params: { model: openai/x } }
  - { model_name: g, litellm_params: { model: openai/x, rpm: -1 } }
`),
    );
    expect(err.code).toBe('validation_failed');
    expect(err.details).toEqual([
      { path: 'model_list[0].litellm_params.api_base', message: expect.stringContaining('required') },
      { path: 'model_list[1].model_name', message: expect.any(String) },
      { path: 'model_list[2].litellm_params.rpm', message: expect.any(String) },
    ]);
  });

  it('derives stable names for keys written inline, numbering only identical entries', () => {
    const yaml = (extra: string) => `
model_list:
${extra}
  - { model_name: gpt-4.1, litellm_params: { model: openai/gpt-4.1, api_key: sk-inline-a } }
  - { model_name: gpt-4.1, litellm_params: { model: openai/gpt-4.1, api_key: sk-inline-b } }
`;
    const before = read(yaml('')).deployments.map((d) => d.name);
    const after = read(
      yaml(
        '  - { model_name: gpt-4.1, litellm_params: { model: azure/x, api_base: https://a.b, api_key: k } }',
      ),
    ).deployments.map((d) => d.name);
    expect(before).toEqual([
      expect.stringMatching(/^gpt-4\.1-[0-9a-f]{6}$/),
      expect.stringMatching(/^gpt-4\.1-[0-9a-f]{6}-2$/),
    ]);
    expect(after.slice(1)).toEqual(before);
    expect(derivedDeploymentName('m', 'm\nopenai/x\n', 1)).toBe(
      derivedDeploymentName('m', 'm\nopenai/x\n', 1),
    );
  });

  it('answers 400 for YAML syntax errors', () => {
    expect(errorOf(() => parseConfigText('model_list: [')).code).toBe('invalid_yaml');
    expect(errorOf(() => parseConfigText('  ')).code).toBe('invalid_yaml');
  });
});

describe('LiteLLM export', () => {
  const group = (name: string, over: Partial<CurrentGroup> = {}): CurrentGroup => ({
    name,
    strategy: 'weighted-shuffle',
    numRetries: 2,
    fallbacks: [],
    allowedFails: 3,
    cooldownSeconds: 60,
    timeoutMs: null,
    streamIdleTimeoutMs: null,
    ...over,
  });
  const deployment = (
    name: string,
    modelGroup: string,
    over: Partial<ExportDeployment> = {},
  ): ExportDeployment => ({
    name,
    modelGroup,
    provider: 'openai',
    model: 'gpt-4.1',
    apiBase: null,
    apiKeyHint: 'sk-…abcd',
    apiVersion: null,
    weight: null,
    priority: 0,
    rpmLimit: null,
    tpmLimit: null,
    timeoutMs: null,
    enabled: true,
    tags: [],
    ...over,
  });

  it('reads back as the same configuration, group policies and priorities included', () => {
    const groups = [
      group('a', { fallbacks: ['b'], timeoutMs: 30000 }),
      group('b', { strategy: 'priority' }),
      group('c', { strategy: 'round-robin', streamIdleTimeoutMs: 5000 }),
      group('d', { strategy: 'simple-shuffle' }),
      group('e', { strategy: 'least-busy', numRetries: 0 }),
    ];
    const deployments = [
      deployment('a-1', 'a', { weight: 2, rpmLimit: 10, tags: ['x'], timeoutMs: 2500 }),
      deployment('b-1', 'b', { priority: 1 }),
      deployment('b-2', 'b', {
        priority: 0,
        provider: 'openai-compatible',
        apiBase: 'http://v:8000/v1',
        model: 'm/n',
      }),
      deployment('c-1', 'c', {
        provider: 'azure',
        apiBase: 'https://r.openai.azure.com',
        apiVersion: '2024-10-21',
      }),
      deployment('d-1', 'd', { priority: 3, apiKeyHint: null, provider: 'anthropic', model: 'claude' }),
      deployment('e-1', 'e'),
      deployment('off', 'e', { enabled: false }),
    ];
    const yaml = writeLiteLLMConfig(groups, deployments);
    expect(yaml).toMatch(/^# LiteLLM proxy config exported by Switchboard/);
    expect(yaml).toContain('API keys are NOT exported');
    expect(yaml).not.toContain('sk-a');
    expect(yaml).toContain('Not exported (disabled deployments): off.');

    const imported = readLiteLLMConfig(parseConfigText(yaml), () => 'the-key');
    const plan = planImport(
      imported,
      {
        groups,
        deployments: deployments.map((d) => ({
          ...d,
          id: d.name,
          apiKeyEncrypted: d.apiKeyHint ? 'enc' : null,
        })),
      },
      (encrypted, key) => (encrypted === null ? key === null : key === 'the-key'),
    );
    expect(plan.changes.filter((c) => c.action !== 'unchanged')).toEqual([]);
    expect(plan.changes).toHaveLength(5 + 6);
  });
});
