import { countChatPromptTokens, countCompletionPromptTokens, countTextTokens } from './token-count';

describe('token counting', () => {
  it('counts text with the real tokenizer', () => {
    expect(countTextTokens('')).toBe(0);
    expect(countTextTokens('hello world')).toBe(2);
    expect(countTextTokens('Hello, how are you?')).toBe(6);
  });

  it('counts special-token lookalikes in user text as plain text instead of throwing', () => {
    expect(countTextTokens('a <|endoftext|> b')).toBeGreaterThan(3);
  });

  it('uses cl100k for GPT-3.5/GPT-4 and o200k otherwise', () => {
    const text = 'Bonjour, comment ça va aujourd’hui ? Très bien, merci beaucoup.';
    expect(countTextTokens(text, 'gpt-4-0613')).not.toBe(countTextTokens(text, 'gpt-4o'));
    expect(countTextTokens(text, 'gpt-4o')).toBe(countTextTokens(text, 'llama3.2'));
  });

  it('adds the chat framing overhead per message and for the reply', () => {
    const text = 'Hello, how are you?';
    // 3 per message + role "user" (1) + content (6) + 3 reply priming.
    expect(countChatPromptTokens([{ role: 'user', content: text }])).toBe(3 + 1 + 6 + 3);
  });

  it('counts content parts, tool calls, tool results and tool definitions', () => {
    const base = countChatPromptTokens([{ role: 'user', content: 'hi' }]);
    const withImage = countChatPromptTokens([
      {
        role: 'user',
        content: [
          { type: 'text', text: 'hi' },
          { type: 'image_url', image_url: { url: 'https://x/y.png' } },
        ],
      },
    ]);
    expect(withImage).toBe(base + 85);
    const withTools = countChatPromptTokens(
      [
        { role: 'user', content: 'hi' },
        {
          role: 'assistant',
          content: null,
          tool_calls: [{ id: 'c1', type: 'function', function: { name: 'f', arguments: '{"a":1}' } }],
        },
        { role: 'tool', tool_call_id: 'c1', content: 'ok' },
      ],
      { tools: [{ type: 'function', function: { name: 'f', parameters: { type: 'object' } } }] },
    );
    expect(withTools).toBeGreaterThan(base + 10);
  });

  it('ignores malformed messages instead of throwing', () => {
    expect(countChatPromptTokens('nope')).toBe(3);
    expect(countChatPromptTokens([null, 1, { role: 'user' }])).toBe(3 + 1 + 3);
  });

  it('counts legacy completion prompts, including pre-tokenised ones', () => {
    expect(countCompletionPromptTokens('hello world')).toBe(2);
    expect(countCompletionPromptTokens(['hello world', 'hello world'])).toBe(4);
    expect(countCompletionPromptTokens([1, 2, 3])).toBe(3);
    expect(countCompletionPromptTokens([[1, 2], [3]])).toBe(3);
  });
});
