import { ProviderRequestError } from '../provider-request.error';
import { toAnthropicRequest } from './anthropic.chat-request';

const MODEL = 'claude-sonnet-4-20250514';

describe('toAnthropicRequest: messages', () => {
  it('hoists system and developer messages into `system` and keeps user/assistant turns', () => {
    const request = toAnthropicRequest(
      {
        messages: [
          { role: 'system', content: 'You are terse.' },
          { role: 'developer', content: [{ type: 'text', text: 'Answer in French.' }] },
          { role: 'user', content: 'Hi' },
          { role: 'assistant', content: 'Bonjour.' },
          { role: 'user', content: 'Weather?' },
        ],
      },
      MODEL,
      false,
    );
    expect(request).toEqual({
      model: MODEL,
      max_tokens: 4096,
      system: 'You are terse.\n\nAnswer in French.',
      messages: [
        { role: 'user', content: [{ type: 'text', text: 'Hi' }] },
        { role: 'assistant', content: [{ type: 'text', text: 'Bonjour.' }] },
        { role: 'user', content: [{ type: 'text', text: 'Weather?' }] },
      ],
    });
  });

  it('merges consecutive same-role messages and drops empty ones (Anthropic requires alternation)', () => {
    const request = toAnthropicRequest(
      {
        messages: [
          { role: 'user', content: 'one' },
          { role: 'user', content: '' },
          { role: 'user', content: [{ type: 'text', text: 'two' }] },
          { role: 'assistant', content: 'ok' },
          { role: 'assistant', content: null },
          { role: 'user', content: 'three' },
        ],
      },
      MODEL,
      false,
    );
    expect(request.messages).toEqual([
      {
        role: 'user',
        content: [
          { type: 'text', text: 'one' },
          { type: 'text', text: 'two' },
        ],
      },
      { role: 'assistant', content: [{ type: 'text', text: 'ok' }] },
      { role: 'user', content: [{ type: 'text', text: 'three' }] },
    ]);
  });

  it('maps images: data URLs to base64 sources, http(s) URLs to url sources', () => {
    const request = toAnthropicRequest(
      {
        messages: [
          {
            role: 'user',
            content: [
              { type: 'text', text: 'Compare these' },
              { type: 'image_url', image_url: { url: 'data:image/png;base64,iVBORw0KGgo=', detail: 'high' } },
              { type: 'image_url', image_url: { url: 'https://example.com/cat.jpg' } },
              { type: 'image_url', image_url: 'data:image/jpg;base64,/9j/4AAQ' },
            ],
          },
        ],
      },
      MODEL,
      false,
    );
    expect(request.messages[0].content).toEqual([
      { type: 'text', text: 'Compare these' },
      { type: 'image', source: { type: 'base64', media_type: 'image/png', data: 'iVBORw0KGgo=' } },
      { type: 'image', source: { type: 'url', url: 'https://example.com/cat.jpg' } },
      { type: 'image', source: { type: 'base64', media_type: 'image/jpeg', data: '/9j/4AAQ' } },
    ]);
  });

  it('maps file parts: PDFs and text become documents', () => {
    const text = Buffer.from('hello file').toString('base64');
    const request = toAnthropicRequest(
      {
        messages: [
          {
            role: 'user',
            content: [
              {
                type: 'file',
                file: { filename: 'report.pdf', file_data: 'data:application/pdf;base64,JVBERi0x' },
              },
              { type: 'file', file: { filename: 'notes.txt', file_data: `data:text/plain;base64,${text}` } },
            ],
          },
        ],
      },
      MODEL,
      false,
    );
    expect(request.messages[0].content).toEqual([
      {
        type: 'document',
        source: { type: 'base64', media_type: 'application/pdf', data: 'JVBERi0x' },
        title: 'report.pdf',
      },
      {
        type: 'document',
        source: { type: 'text', media_type: 'text/plain', data: 'hello file' },
        title: 'notes.txt',
      },
    ]);
  });

  it('rejects content Anthropic cannot take with a 400 that names the part', () => {
    const audio = {
      messages: [
        { role: 'user', content: [{ type: 'input_audio', input_audio: { data: 'x', format: 'wav' } }] },
      ],
    };
    expect(() => toAnthropicRequest(audio, MODEL, false)).toThrow(
      expect.objectContaining({ status: 400, param: 'messages[0].content[0].type' }),
    );
    const svg = {
      messages: [
        {
          role: 'user',
          content: [{ type: 'image_url', image_url: { url: 'data:image/svg+xml;base64,PHN2Zz4=' } }],
        },
      ],
    };
    expect(() => toAnthropicRequest(svg, MODEL, false)).toThrow(ProviderRequestError);
    expect(() => toAnthropicRequest({ messages: 'hi' }, MODEL, false)).toThrow(ProviderRequestError);
    expect(() =>
      toAnthropicRequest({ messages: [{ role: 'system', content: 'only system' }] }, MODEL, false),
    ).toThrow(/at least one user or assistant message/);
  });

  it('maps assistant tool_calls to tool_use and tool results to one user turn of tool_result blocks', () => {
    const request = toAnthropicRequest(
      {
        messages: [
          { role: 'user', content: 'Weather in Paris and Rome?' },
          {
            role: 'assistant',
            content: 'Checking.',
            tool_calls: [
              {
                id: 'call_1',
                type: 'function',
                function: { name: 'get_weather', arguments: '{"city":"Paris"}' },
              },
              {
                id: 'call_2',
                type: 'function',
                function: { name: 'get_weather', arguments: '{"city": "Rome"' },
              },
            ],
          },
          { role: 'tool', tool_call_id: 'call_1', content: '18°C' },
          { role: 'tool', tool_call_id: 'call_2', content: [{ type: 'text', text: '24°C' }] },
          { role: 'user', content: 'Thanks, which is warmer?' },
        ],
      },
      MODEL,
      false,
    );
    expect(request.messages).toEqual([
      { role: 'user', content: [{ type: 'text', text: 'Weather in Paris and Rome?' }] },
      {
        role: 'assistant',
        content: [
          { type: 'text', text: 'Checking.' },
          { type: 'tool_use', id: 'call_1', name: 'get_weather', input: { city: 'Paris' } },
          // Truncated JSON from the model must not crash the next request.
          { type: 'tool_use', id: 'call_2', name: 'get_weather', input: {} },
        ],
      },
      {
        role: 'user',
        content: [
          { type: 'tool_result', tool_use_id: 'call_1', content: '18°C' },
          { type: 'tool_result', tool_use_id: 'call_2', content: [{ type: 'text', text: '24°C' }] },
          { type: 'text', text: 'Thanks, which is warmer?' },
        ],
      },
    ]);
  });

  it('puts tool results before other user content and sanitises foreign tool ids', () => {
    const request = toAnthropicRequest(
      {
        messages: [
          { role: 'user', content: 'go' },
          {
            role: 'assistant',
            tool_calls: [{ id: 'fc.abc:1', type: 'function', function: { name: 'f', arguments: '' } }],
          },
          { role: 'user', content: 'note first' },
          { role: 'tool', tool_call_id: 'fc.abc:1', content: 'done' },
        ],
      },
      MODEL,
      false,
    );
    expect(request.messages[1].content).toEqual([{ type: 'tool_use', id: 'fc_abc_1', name: 'f', input: {} }]);
    expect(request.messages[2].content).toEqual([
      { type: 'tool_result', tool_use_id: 'fc_abc_1', content: 'done' },
      { type: 'text', text: 'note first' },
    ]);
  });

  it('maps legacy function_call / function messages with generated ids', () => {
    const request = toAnthropicRequest(
      {
        messages: [
          { role: 'user', content: 'time?' },
          { role: 'assistant', content: null, function_call: { name: 'now', arguments: '{}' } },
          { role: 'function', name: 'now', content: '12:00' },
        ],
        functions: [{ name: 'now', description: 'Current time' }],
        function_call: { name: 'now' },
      },
      MODEL,
      false,
    );
    expect(request.messages[1].content).toEqual([
      { type: 'tool_use', id: 'toolu_gateway_1', name: 'now', input: {} },
    ]);
    expect(request.messages[2].content).toEqual([
      { type: 'tool_result', tool_use_id: 'toolu_gateway_1', content: '12:00' },
    ]);
    expect(request.tools).toEqual([
      { name: 'now', description: 'Current time', input_schema: { type: 'object', properties: {} } },
    ]);
    expect(request.tool_choice).toEqual({ type: 'tool', name: 'now' });
  });

  it('trims trailing whitespace from a final assistant prefill', () => {
    const request = toAnthropicRequest(
      {
        messages: [
          { role: 'user', content: 'Say a word' },
          { role: 'assistant', content: 'The word is: ' },
        ],
      },
      MODEL,
      false,
    );
    expect(request.messages[1].content).toEqual([{ type: 'text', text: 'The word is:' }]);
  });

  it('keeps cache_control markers, using system blocks when the system prompt has them', () => {
    const request = toAnthropicRequest(
      {
        messages: [
          {
            role: 'system',
            content: [{ type: 'text', text: 'Long policy', cache_control: { type: 'ephemeral' } }],
          },
          { role: 'user', content: [{ type: 'text', text: 'q', cache_control: { type: 'ephemeral' } }] },
        ],
      },
      MODEL,
      false,
    );
    expect(request.system).toEqual([
      { type: 'text', text: 'Long policy', cache_control: { type: 'ephemeral' } },
    ]);
    expect(request.messages[0].content).toEqual([
      { type: 'text', text: 'q', cache_control: { type: 'ephemeral' } },
    ]);
  });
});

describe('toAnthropicRequest: parameters', () => {
  const messages = [{ role: 'user', content: 'hi' }];

  it('maps sampling, limits, stop, stream and user; drops OpenAI-only fields', () => {
    const request = toAnthropicRequest(
      {
        model: 'claude',
        messages,
        max_tokens: 256,
        temperature: 1.6,
        top_p: 0.9,
        stop: ['\n\nHuman:', '   ', 'END'],
        stream: true,
        stream_options: { include_usage: true },
        user: 'dify-user-42',
        n: 2,
        seed: 7,
        presence_penalty: 0.5,
        frequency_penalty: 0.5,
        logit_bias: { 50256: -100 },
        response_format: { type: 'json_schema', json_schema: { name: 'x', schema: { type: 'object' } } },
        enable_thinking: true,
      },
      MODEL,
      true,
    );
    expect(request).toEqual({
      model: MODEL,
      max_tokens: 256,
      messages: [{ role: 'user', content: [{ type: 'text', text: 'hi' }] }],
      temperature: 1,
      top_p: 0.9,
      stop_sequences: ['\n\nHuman:', 'END'],
      stream: true,
      metadata: { user_id: 'dify-user-42' },
    });
  });

  it('takes max_completion_tokens, then defaults to 4096', () => {
    expect(toAnthropicRequest({ messages, max_completion_tokens: 16 }, MODEL, false).max_tokens).toBe(16);
    expect(toAnthropicRequest({ messages, max_tokens: null }, MODEL, false).max_tokens).toBe(4096);
    expect(toAnthropicRequest({ messages, stop: 'STOP' }, MODEL, false).stop_sequences).toEqual(['STOP']);
  });

  it('maps function tools and every tool_choice form', () => {
    const tools = [
      {
        type: 'function',
        function: {
          name: 'get_weather',
          description: 'Get the weather',
          parameters: { type: 'object', properties: { city: { type: 'string' } }, required: ['city'] },
          strict: true,
        },
      },
      { type: 'custom', custom: { name: 'grammar_tool' } },
    ];
    const request = toAnthropicRequest({ messages, tools, tool_choice: 'auto' }, MODEL, false);
    expect(request.tools).toEqual([
      {
        name: 'get_weather',
        description: 'Get the weather',
        input_schema: { type: 'object', properties: { city: { type: 'string' } }, required: ['city'] },
      },
    ]);
    expect(request.tool_choice).toEqual({ type: 'auto' });
    expect(
      toAnthropicRequest({ messages, tools, tool_choice: 'required' }, MODEL, false).tool_choice,
    ).toEqual({ type: 'any' });
    expect(toAnthropicRequest({ messages, tools, tool_choice: 'none' }, MODEL, false).tool_choice).toEqual({
      type: 'none',
    });
    expect(
      toAnthropicRequest(
        { messages, tools, tool_choice: { type: 'function', function: { name: 'get_weather' } } },
        MODEL,
        false,
      ).tool_choice,
    ).toEqual({ type: 'tool', name: 'get_weather' });
    expect(toAnthropicRequest({ messages, tools }, MODEL, false)).not.toHaveProperty('tool_choice');
    expect(
      toAnthropicRequest({ messages, tools, parallel_tool_calls: false }, MODEL, false).tool_choice,
    ).toEqual({
      type: 'auto',
      disable_parallel_tool_use: true,
    });
  });

  it('sends no tool_choice without tools (Anthropic rejects it)', () => {
    expect(toAnthropicRequest({ messages, tool_choice: 'auto' }, MODEL, false)).not.toHaveProperty(
      'tool_choice',
    );
  });

  it('maps reasoning_effort to a thinking budget and drops sampling settings thinking forbids', () => {
    const request = toAnthropicRequest(
      { messages, reasoning_effort: 'medium', max_tokens: 1000, temperature: 0.3, top_p: 0.5 },
      MODEL,
      false,
    );
    expect(request.thinking).toEqual({ type: 'enabled', budget_tokens: 2048 });
    expect(request.max_tokens).toBe(3048);
    expect(request).not.toHaveProperty('temperature');
    expect(request).not.toHaveProperty('top_p');
    expect(toAnthropicRequest({ messages, reasoning_effort: 'minimal' }, MODEL, false)).not.toHaveProperty(
      'thinking',
    );
  });

  it('passes an Anthropic-shaped thinking object through', () => {
    const request = toAnthropicRequest(
      { messages, thinking: { type: 'enabled', budget_tokens: 5000 }, max_tokens: 8000 },
      MODEL,
      false,
    );
    expect(request.thinking).toEqual({ type: 'enabled', budget_tokens: 5000 });
    expect(request.max_tokens).toBe(8000);
  });
});
