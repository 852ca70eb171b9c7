import type { ClientRequest, StreamContext } from '../provider.types';
import { readFixture, replaySse } from '../testing/stream-fixture';
import { countTextTokens } from '../token-count';
import { AnthropicStreamMapper } from './anthropic.chat-stream';

const ctx: StreamContext = { requestId: 'req-9', publicModel: 'claude-public', created: 1745222400 };
const req: ClientRequest = {
  capability: 'chat',
  body: { model: 'claude-public', messages: [{ role: 'user', content: 'Hi' }], stream: true },
  stream: true,
};

type Chunk = {
  id?: string;
  object?: string;
  created?: number;
  model?: string;
  choices?: { index: number; delta: Record<string, unknown>; finish_reason: string | null }[];
  usage?: unknown;
  error?: unknown;
};

function replay(name: string) {
  const result = replaySse(readFixture(__dirname, name), new AnthropicStreamMapper(req, ctx));
  return { ...result, json: result.json as Chunk[] };
}

describe('AnthropicStreamMapper', () => {
  it('maps a text stream to OpenAI chunks ending with a usage chunk', () => {
    const { json, chunks, usage } = replay('stream-text.sse');
    const envelope = {
      id: 'msg_01HCDu5LRGeP2o7s2xGmxyx8',
      object: 'chat.completion.chunk',
      created: 1745222400,
      model: 'claude-public',
    };
    const choice = (delta: Record<string, unknown>, finish_reason: string | null = null) => ({
      ...envelope,
      choices: [{ index: 0, delta, finish_reason }],
    });
    expect(json).toEqual([
      choice({ role: 'assistant', content: '' }),
      choice({ content: 'Hello' }),
      choice({ content: '! How can I help you' }),
      choice({ content: ' today?' }),
      choice({}, 'stop'),
      {
        ...envelope,
        choices: [],
        usage: {
          prompt_tokens: 21,
          completion_tokens: 12,
          total_tokens: 33,
          prompt_tokens_details: { cached_tokens: 0 },
        },
      },
    ]);
    expect(chunks[4].finishReason).toBe('stop');
    expect(chunks[5].usage).toEqual({ promptTokens: 21, completionTokens: 12, totalTokens: 33 });
    expect(usage).toEqual({ promptTokens: 21, completionTokens: 12, totalTokens: 33 });
  });

  it('maps thinking, text and two tool calls with per-tool-call indexes', () => {
    const { json, usage } = replay('stream-tool-use.sse');
    const deltas = json.filter((c) => c.choices && c.choices.length > 0).map((c) => c.choices?.[0].delta);
    expect(deltas).toEqual([
      { role: 'assistant', content: '' },
      { reasoning_content: 'The user wants weather and time in Paris.' },
      { content: "I'll look up the weather and the local time in Paris." },
      {
        tool_calls: [
          {
            index: 0,
            id: 'toolu_01T1x1fJ34qAmk2tNTrN7Up6',
            type: 'function',
            function: { name: 'get_weather', arguments: '' },
          },
        ],
      },
      { tool_calls: [{ index: 0, function: { arguments: '{"location":' } }] },
      { tool_calls: [{ index: 0, function: { arguments: ' "Paris, Fr' } }] },
      { tool_calls: [{ index: 0, function: { arguments: 'ance", "unit": "c' } }] },
      { tool_calls: [{ index: 0, function: { arguments: 'elsius"}' } }] },
      {
        tool_calls: [
          {
            index: 1,
            id: 'toolu_01VkL9rWbq3Zp8mYc2xTnE4d',
            type: 'function',
            function: { name: 'get_local_time', arguments: '' },
          },
        ],
      },
      { tool_calls: [{ index: 1, function: { arguments: '{"timezone": "Eu' } }] },
      { tool_calls: [{ index: 1, function: { arguments: 'rope/Paris"}' } }] },
      {},
    ]);
    expect(json[json.length - 2].choices?.[0].finish_reason).toBe('tool_calls');
    // Cache reads are prompt tokens too.
    expect(json[json.length - 1]).toMatchObject({
      choices: [],
      usage: {
        prompt_tokens: 1496,
        completion_tokens: 89,
        total_tokens: 1585,
        prompt_tokens_details: { cached_tokens: 1024 },
      },
    });
    expect(usage).toEqual({
      promptTokens: 1496,
      completionTokens: 89,
      totalTokens: 1585,
      cachedTokens: 1024,
    });
    // Every chunk has `choices` (Dify requirement).
    expect(json.every((c) => Array.isArray(c.choices))).toBe(true);
  });

  it('turns an error event into {"error":{...}} and ends there', () => {
    const { json, chunks, usage } = replay('stream-error.sse');
    expect(json.slice(0, 2).map((c) => c.choices?.[0].delta)).toEqual([
      { role: 'assistant', content: '' },
      { content: 'Once upon' },
    ]);
    expect(json[2]).toEqual({
      error: { message: 'Overloaded', type: 'server_error', code: 'overloaded', param: null },
    });
    expect(chunks[2].error).toEqual(json[2].error);
    expect(json).toHaveLength(3);
    expect(usage).toEqual({
      promptTokens: 18,
      completionTokens: countTextTokens('Once upon'),
      totalTokens: 18 + countTextTokens('Once upon'),
      estimated: true,
    });
  });

  it('reports a stream that stops before message_stop as an error', () => {
    const text = readFixture(__dirname, 'stream-text.sse');
    const cut = text.slice(0, text.indexOf('event: content_block_stop'));
    const { json } = replaySse(cut, new AnthropicStreamMapper(req, ctx));
    expect(json[json.length - 1]).toEqual({
      error: {
        message: 'The upstream stream ended before the response was complete.',
        type: 'server_error',
        code: 'upstream_stream_truncated',
        param: null,
      },
    });
  });

  it('gives a parameterless tool call "{}" arguments so clients can parse them', () => {
    const mapper = new AnthropicStreamMapper(req, ctx);
    mapper.push({
      data: '{"type":"message_start","message":{"id":"msg_1","usage":{"input_tokens":5,"output_tokens":1}}}',
    });
    mapper.push({
      data: '{"type":"content_block_start","index":0,"content_block":{"type":"tool_use","id":"toolu_1","name":"now","input":{}}}',
    });
    mapper.push({
      data: '{"type":"content_block_delta","index":0,"delta":{"type":"input_json_delta","partial_json":""}}',
    });
    const [chunk] = mapper.push({ data: '{"type":"content_block_stop","index":0}' });
    expect(JSON.parse(chunk.data).choices[0].delta).toEqual({
      tool_calls: [{ index: 0, function: { arguments: '{}' } }],
    });
  });

  it('ignores pings, unknown events and non-JSON data', () => {
    const mapper = new AnthropicStreamMapper(req, ctx);
    expect(mapper.push({ event: 'ping', data: '{"type": "ping"}' })).toEqual([]);
    expect(mapper.push({ data: '{"type":"future_event"}' })).toEqual([]);
    expect(mapper.push({ data: 'not json' })).toEqual([]);
  });
});
