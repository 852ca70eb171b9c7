import type { ClientRequest } from '../provider.types';
import { readJsonFixture } from '../testing/stream-fixture';
import { anthropicAdapter } from './anthropic.api';

const req: ClientRequest = {
  capability: 'chat',
  body: { model: 'claude-sonnet', messages: [] },
  stream: false,
};

describe('Anthropic message -> chat.completion', () => {
  it('maps a text message', () => {
    const mapped = anthropicAdapter.mapResponse(req, 200, readJsonFixture(__dirname, 'message-text.json'), {
      created: 1745222400,
    });
    expect(mapped).toEqual({
      body: {
        id: 'msg_01XFDUDYJgAACzvnptvVoYEL',
        object: 'chat.completion',
        created: 1745222400,
        model: 'claude-sonnet',
        choices: [
          {
            index: 0,
            message: { role: 'assistant', content: 'Hello! How can I help you today?' },
            logprobs: null,
            finish_reason: 'stop',
          },
        ],
        usage: {
          prompt_tokens: 12,
          completion_tokens: 12,
          total_tokens: 24,
          prompt_tokens_details: { cached_tokens: 0 },
        },
      },
      usage: { promptTokens: 12, completionTokens: 12, totalTokens: 24 },
    });
  });

  it('maps thinking, text and two tool_use blocks, counting cache tokens as prompt tokens', () => {
    const mapped = anthropicAdapter.mapResponse(
      req,
      200,
      readJsonFixture(__dirname, 'message-tool-use.json'),
      {
        created: 1,
        publicModel: 'claude-public',
      },
    );
    expect(mapped.body).toMatchObject({
      model: 'claude-public',
      choices: [
        {
          finish_reason: 'tool_calls',
          message: {
            role: 'assistant',
            content: "I'll check the weather in both cities.",
            reasoning_content: 'The user wants the weather in two cities; call the tool twice.',
            tool_calls: [
              {
                id: 'toolu_01A09q90qw90lq917835lq9',
                type: 'function',
                function: {
                  name: 'get_weather',
                  arguments: '{"location":"San Francisco, CA","unit":"celsius"}',
                },
              },
              {
                id: 'toolu_01B8nXzq2Lr5mPq7sT3vWy4k',
                type: 'function',
                function: { name: 'get_weather', arguments: '{"location":"Paris, France","unit":"celsius"}' },
              },
            ],
          },
        },
      ],
      usage: {
        prompt_tokens: 1696,
        completion_tokens: 89,
        total_tokens: 1785,
        prompt_tokens_details: { cached_tokens: 1024 },
      },
    });
    expect(mapped.usage).toEqual({
      promptTokens: 1696,
      completionTokens: 89,
      totalTokens: 1785,
      cachedTokens: 1024,
    });
  });

  it.each([
    ['end_turn', 'stop'],
    ['stop_sequence', 'stop'],
    ['max_tokens', 'length'],
    ['tool_use', 'tool_calls'],
    ['refusal', 'content_filter'],
  ])('maps stop_reason %s to %s', (stopReason, finishReason) => {
    const json = {
      id: 'm',
      type: 'message',
      content: [{ type: 'text', text: 'x' }],
      stop_reason: stopReason,
      usage: { input_tokens: 1, output_tokens: 1 },
    };
    const body = anthropicAdapter.mapResponse(req, 200, json).body as {
      choices: { finish_reason: string }[];
    };
    expect(body.choices[0].finish_reason).toBe(finishReason);
  });

  it('uses null content for a tool-call-only answer', () => {
    const json = {
      id: 'm',
      content: [{ type: 'tool_use', id: 't', name: 'f', input: {} }],
      stop_reason: 'tool_use',
      usage: { input_tokens: 1, output_tokens: 1 },
    };
    const body = anthropicAdapter.mapResponse(req, 200, json).body as {
      choices: { message: { content: unknown; tool_calls: unknown[] } }[];
    };
    expect(body.choices[0].message.content).toBeNull();
    expect(body.choices[0].message.tool_calls).toEqual([
      { id: 't', type: 'function', function: { name: 'f', arguments: '{}' } },
    ]);
  });

  it('rejects a body that is not a message', () => {
    expect(() => anthropicAdapter.mapResponse(req, 200, { hello: 'world' })).toThrow(
      expect.objectContaining({ status: 502 }),
    );
  });
});
