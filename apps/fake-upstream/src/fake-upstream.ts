/**
 * Fake OpenAI-compatible upstream: a tiny `node:http` server that stands in for real LLM
 * providers in tests, benchmarks and demos. It answers chat/completions/embeddings/rerank/models
 * deterministically, can inject faults (status codes, hangs, resets, broken streams) and records
 * what it received so tests can assert on what the gateway forwarded.
 *
 * Benchmarks push ~10k req/s through it, so the hot path avoids frameworks, URL parsing and
 * per-request allocations beyond the JSON body and reply.
 */
import { randomBytes } from 'node:crypto';
import {
  createServer,
  type IncomingHttpHeaders,
  type IncomingMessage,
  type OutgoingHttpHeaders,
  type Server,
  type ServerResponse,
} from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { performance } from 'node:perf_hooks';

// ---------------------------------------------------------------------------------------------
// Public types
// ---------------------------------------------------------------------------------------------

export type FakeFaultKind = 'none' | 'status' | 'hang' | 'reset' | 'midstream';

export interface FakeFault {
  kind: FakeFaultKind;
  /** HTTP status for `kind: 'status'` (default 500). */
  status?: number;
  /** Adds a `Retry-After` header to status faults. */
  retryAfterSeconds?: number;
  /** Replaces the generated OpenAI-shaped error body of a status fault. */
  body?: Record<string, unknown>;
  /** Fraction (0..1) of eligible requests affected, applied with a deterministic counter: 0.5 = every 2nd. */
  rate?: number;
  /** `midstream`: number of SSE chunks sent before the socket is destroyed (default 2). */
  afterChunks?: number;
  /** Only the next N affected requests fail, then the fault clears itself. */
  count?: number;
}

export interface FakeRateLimit {
  /** Requests per minute; exceeding it answers 429. */
  rpm?: number;
  /** Tokens (prompt + completion) per minute; exceeding it answers 429. */
  tpm?: number;
}

/** Behaviour that can be changed at runtime with `configure()` or `POST /_fake/config`. */
export interface FakeUpstreamSettings {
  name?: string;
  models?: string[];
  /** Delay before a non-stream response / before the headers of a stream. */
  latencyMs?: number;
  /** Delay between the role chunk and the first content chunk of a stream. */
  ttftMs?: number;
  /** Pacing between streamed tokens; 0 = as fast as possible. */
  tokensPerSecond?: number;
  /** Completion length in tokens (words) when the request does not ask for fewer. */
  completionTokens?: number;
  /** Default embedding size. */
  dimensions?: number;
  /** Accepted API key(s); `null` disables auth. */
  requireApiKey?: string | string[] | null;
  /** Send OpenAI-style `x-ratelimit-*` headers. */
  rateLimitHeaders?: boolean;
  rateLimit?: FakeRateLimit | null;
  fault?: FakeFault | null;
  /** Answer requests carrying `tools` (last message from the user) with a tool call. */
  toolCalls?: boolean;
  /** How many recent requests `/_fake/requests` keeps. */
  maxRecordedRequests?: number;
  /** Behave like upstreams that ignore `stream_options.include_usage` (never send a usage chunk). */
  omitStreamUsage?: boolean;
  /**
   * Prompt tokens to report as served from the provider's cache (`prompt_tokens_details.cached_tokens`,
   * at most the prompt's tokens) on chat and completions answers, streamed or not; 0 = none reported.
   */
  cachedTokens?: number;
}

export interface FakeUpstreamOptions extends FakeUpstreamSettings {
  /** Default 127.0.0.1. */
  host?: string;
  /** Default 0 (random free port). */
  port?: number;
}

/** Fully resolved settings, as returned by `config()` and `GET /_fake/config`. */
export interface FakeUpstreamConfig {
  name: string;
  models: string[];
  latencyMs: number;
  ttftMs: number;
  tokensPerSecond: number;
  completionTokens: number;
  dimensions: number;
  requireApiKey: string[] | null;
  rateLimitHeaders: boolean;
  rateLimit: FakeRateLimit | null;
  fault: FakeFault | null;
  toolCalls: boolean;
  maxRecordedRequests: number;
  omitStreamUsage: boolean;
  cachedTokens: number;
}

export interface FakeUpstreamStats {
  name: string;
  total: number;
  /** Requests per API key; requests without a key count under `(none)`. */
  byKey: Record<string, number>;
  /** Requests per path as received (query string stripped). */
  byPath: Record<string, number>;
  /** Requests per `model` field of the JSON body. */
  byModel: Record<string, number>;
  inFlight: number;
  maxInFlight: number;
  faultsInjected: number;
}

export interface RecordedRequest {
  method: string;
  path: string;
  headers: IncomingHttpHeaders;
  /** Parsed JSON body; the raw text when it was not valid JSON; `null` when empty. */
  body: unknown;
  apiKey: string | null;
  /** Epoch milliseconds. */
  at: number;
}

export interface FakeUpstream {
  /** OpenAI base URL, e.g. `http://127.0.0.1:PORT/v1`. */
  readonly url: string;
  /** Server origin, e.g. `http://127.0.0.1:PORT`. */
  readonly baseUrl: string;
  readonly port: number;
  stats(): FakeUpstreamStats;
  /** Recent requests, oldest first. */
  requests(): RecordedRequest[];
  config(): FakeUpstreamConfig;
  /** Zeroes stats and recorded requests; `{ config: true }` also restores the start options. */
  reset(options?: { config?: boolean }): void;
  /** Merges a partial settings object (validated; throws `FakeUpstreamConfigError`). */
  configure(patch: FakeUpstreamSettings): FakeUpstreamConfig;
  /** Stops listening, destroys every socket (including hung requests) and resolves when closed. */
  close(): Promise<void>;
}

export class FakeUpstreamConfigError extends Error {
  override readonly name = 'FakeUpstreamConfigError';
}

// ---------------------------------------------------------------------------------------------
// Constants
// ---------------------------------------------------------------------------------------------

const DEFAULT_CONFIG: FakeUpstreamConfig = {
  name: 'fake',
  models: ['gpt-4.1', 'gpt-4.1-mini', 'text-embedding-3-small'],
  latencyMs: 0,
  ttftMs: 0,
  tokensPerSecond: 0,
  completionTokens: 16,
  dimensions: 8,
  requireApiKey: null,
  rateLimitHeaders: false,
  rateLimit: null,
  fault: null,
  toolCalls: false,
  maxRecordedRequests: 50,
  omitStreamUsage: false,
  cachedTokens: 0,
};

const MAX_BODY_BYTES = 32 * 1024 * 1024;
const MAX_DIMENSIONS = 8192;
const WINDOW_MS = 60_000;
// Limits advertised in x-ratelimit-* headers when no `rateLimit` is configured.
const HEADER_DEFAULT_RPM = 10_000;
const HEADER_DEFAULT_TPM = 10_000_000;
// Fixed so GET /models is byte-for-byte stable across runs.
const MODEL_CREATED = 1_700_000_000;
const DEFAULT_MIDSTREAM_CHUNKS = 2;
const NO_KEY = '(none)';
const FILLER = [
  'lorem',
  'ipsum',
  'dolor',
  'sit',
  'amet',
  'consectetur',
  'adipiscing',
  'elit',
  'sed',
  'do',
  'eiusmod',
  'tempor',
  'incididunt',
  'ut',
  'labore',
  'et',
  'dolore',
  'magna',
  'aliqua',
];

// ---------------------------------------------------------------------------------------------
// Settings validation (shared by start options, configure() and POST /_fake/config)
// ---------------------------------------------------------------------------------------------

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function fail(message: string): never {
  throw new FakeUpstreamConfigError(message);
}

function numberIn(value: unknown, key: string, min: number, max: number, integer: boolean): number {
  if (typeof value !== 'number' || !Number.isFinite(value)) fail(`'${key}' must be a number`);
  if (integer && !Number.isInteger(value)) fail(`'${key}' must be an integer`);
  if (value < min || value > max) fail(`'${key}' must be between ${min} and ${max}`);
  return value;
}

function stringList(value: unknown, key: string): string[] {
  if (!Array.isArray(value) || !value.every((v): v is string => typeof v === 'string' && v.length > 0)) {
    fail(`'${key}' must be an array of non-empty strings`);
  }
  return [...value];
}

function parseFault(value: unknown): FakeFault {
  if (!isRecord(value)) fail(`'fault' must be an object or null`);
  const kinds: FakeFaultKind[] = ['none', 'status', 'hang', 'reset', 'midstream'];
  const kind = kinds.find((k) => k === value.kind);
  if (kind === undefined) fail(`'fault.kind' must be one of ${kinds.join(', ')}`);
  const fault: FakeFault = { kind };
  for (const [key, v] of Object.entries(value)) {
    if (v === undefined) continue;
    switch (key) {
      case 'kind':
        break;
      case 'status':
        fault.status = numberIn(v, 'fault.status', 100, 599, true);
        break;
      case 'retryAfterSeconds':
        fault.retryAfterSeconds = numberIn(v, 'fault.retryAfterSeconds', 0, 86_400, false);
        break;
      case 'body':
        if (!isRecord(v)) fail(`'fault.body' must be an object`);
        fault.body = v;
        break;
      case 'rate':
        fault.rate = numberIn(v, 'fault.rate', 0, 1, false);
        break;
      case 'afterChunks':
        fault.afterChunks = numberIn(v, 'fault.afterChunks', 0, Number.MAX_SAFE_INTEGER, true);
        break;
      case 'count':
        fault.count = numberIn(v, 'fault.count', 0, Number.MAX_SAFE_INTEGER, true);
        break;
      default:
        fail(`unknown option 'fault.${key}'`);
    }
  }
  return fault;
}

/** Validates an untrusted settings patch; unknown keys are rejected so typos in tests surface. */
export function parseFakeUpstreamSettings(input: unknown): FakeUpstreamSettings {
  if (!isRecord(input)) fail('settings must be a JSON object');
  const out: FakeUpstreamSettings = {};
  for (const [key, value] of Object.entries(input)) {
    if (value === undefined) continue;
    switch (key) {
      case 'name':
        if (typeof value !== 'string' || value.length === 0) fail(`'name' must be a non-empty string`);
        out.name = value;
        break;
      case 'models':
        out.models = stringList(value, key);
        break;
      case 'latencyMs':
      case 'ttftMs':
      case 'tokensPerSecond':
        out[key] = numberIn(value, key, 0, 3_600_000, false);
        break;
      case 'completionTokens':
        out.completionTokens = numberIn(value, key, 0, 1_000_000, true);
        break;
      case 'maxRecordedRequests':
        out.maxRecordedRequests = numberIn(value, key, 0, 100_000, true);
        break;
      case 'cachedTokens':
        out.cachedTokens = numberIn(value, key, 0, 1_000_000_000, true);
        break;
      case 'dimensions':
        out.dimensions = numberIn(value, key, 1, MAX_DIMENSIONS, true);
        break;
      case 'requireApiKey':
        if (value === null || (typeof value === 'string' && value.length > 0)) out.requireApiKey = value;
        else out.requireApiKey = stringList(value, key);
        break;
      case 'rateLimitHeaders':
      case 'omitStreamUsage':
      case 'toolCalls':
        if (typeof value !== 'boolean') fail(`'${key}' must be a boolean`);
        out[key] = value;
        break;
      case 'rateLimit': {
        if (value === null) {
          out.rateLimit = null;
          break;
        }
        if (!isRecord(value)) fail(`'rateLimit' must be an object or null`);
        const limit: FakeRateLimit = {};
        for (const [k, v] of Object.entries(value)) {
          if (v === undefined) continue;
          if (k !== 'rpm' && k !== 'tpm') fail(`unknown option 'rateLimit.${k}'`);
          limit[k] = numberIn(v, `rateLimit.${k}`, 1, Number.MAX_SAFE_INTEGER, true);
        }
        out.rateLimit = limit;
        break;
      }
      case 'fault':
        out.fault = value === null ? null : parseFault(value);
        break;
      default:
        fail(`unknown option '${key}'`);
    }
  }
  return out;
}

function applySettings(base: FakeUpstreamConfig, s: FakeUpstreamSettings): FakeUpstreamConfig {
  const next: FakeUpstreamConfig = { ...base };
  if (s.name !== undefined) next.name = s.name;
  if (s.models !== undefined) next.models = [...s.models];
  if (s.latencyMs !== undefined) next.latencyMs = s.latencyMs;
  if (s.ttftMs !== undefined) next.ttftMs = s.ttftMs;
  if (s.tokensPerSecond !== undefined) next.tokensPerSecond = s.tokensPerSecond;
  if (s.completionTokens !== undefined) next.completionTokens = s.completionTokens;
  if (s.dimensions !== undefined) next.dimensions = s.dimensions;
  if (s.requireApiKey !== undefined) {
    const keys = s.requireApiKey;
    next.requireApiKey = keys === null ? null : typeof keys === 'string' ? [keys] : [...keys];
  }
  if (s.rateLimitHeaders !== undefined) next.rateLimitHeaders = s.rateLimitHeaders;
  if (s.rateLimit !== undefined) next.rateLimit = s.rateLimit === null ? null : { ...s.rateLimit };
  if (s.fault !== undefined) {
    const f = s.fault;
    next.fault = f === null || f.kind === 'none' || f.count === 0 ? null : { ...f };
  }
  if (s.toolCalls !== undefined) next.toolCalls = s.toolCalls;
  if (s.omitStreamUsage !== undefined) next.omitStreamUsage = s.omitStreamUsage;
  if (s.maxRecordedRequests !== undefined) next.maxRecordedRequests = s.maxRecordedRequests;
  if (s.cachedTokens !== undefined) next.cachedTokens = s.cachedTokens;
  return next;
}

// ---------------------------------------------------------------------------------------------
// Small pure helpers
// ---------------------------------------------------------------------------------------------

interface OpenAiError {
  error: { message: string; type: string; param: string | null; code: string | null };
}

function openAiError(message: string, type: string, code: string | null = null, param: string | null = null) {
  const body: OpenAiError = { error: { message, type, param, code } };
  return body;
}

function errorKindForStatus(status: number): { type: string; code: string | null } {
  if (status === 429) return { type: 'rate_limit_error', code: 'rate_limit_exceeded' };
  if (status === 401) return { type: 'invalid_request_error', code: 'invalid_api_key' };
  if (status === 403) return { type: 'permission_error', code: null };
  if (status === 404) return { type: 'invalid_request_error', code: 'not_found' };
  if (status >= 500) return { type: 'server_error', code: null };
  return { type: 'invalid_request_error', code: null };
}

function headerValue(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}

/** Bearer token first, then Azure-style `api-key`, then Anthropic-style `x-api-key`. */
function extractApiKey(headers: IncomingHttpHeaders): string | null {
  const auth = headers.authorization;
  if (auth !== undefined && auth.length > 7 && auth.slice(0, 7).toLowerCase() === 'bearer ') {
    const token = auth.slice(7).trim();
    if (token.length > 0) return token;
  }
  return headerValue(headers['api-key']) ?? headerValue(headers['x-api-key']) ?? null;
}

function nowSeconds(): number {
  return Math.floor(Date.now() / 1000);
}

function positiveInt(value: unknown): number | undefined {
  return typeof value === 'number' && Number.isInteger(value) && value >= 0 ? value : undefined;
}

/** Sum of the text a chat request carries (string contents and text parts). */
function chatPromptChars(messages: unknown[]): number {
  let chars = 0;
  for (const m of messages) {
    if (!isRecord(m)) continue;
    const content = m.content;
    if (typeof content === 'string') chars += content.length;
    else if (Array.isArray(content)) {
      for (const part of content) {
        if (isRecord(part) && typeof part.text === 'string') chars += part.text.length;
      }
    }
  }
  return chars;
}

function estimateTokens(chars: number): number {
  return Math.ceil(chars / 4);
}

interface Usage {
  prompt_tokens: number;
  completion_tokens: number;
  total_tokens: number;
  prompt_tokens_details?: { cached_tokens: number };
}

/** OpenAI's usage object; `cached` prompt tokens (capped at the prompt) are reported only when > 0. */
function usageOf(prompt: number, completion: number, cached = 0): Usage {
  const usage: Usage = {
    prompt_tokens: prompt,
    completion_tokens: completion,
    total_tokens: prompt + completion,
  };
  const cachedTokens = Math.min(cached, prompt);
  if (cachedTokens > 0) usage.prompt_tokens_details = { cached_tokens: cachedTokens };
  return usage;
}

/** Deterministic reply: "Hello from <name>." followed by filler words, one word = one token. */
function replyWords(name: string, count: number): string[] {
  const words: string[] = new Array<string>(count);
  for (let i = 0; i < count; i++) {
    words[i] = i === 0 ? 'Hello' : i === 1 ? 'from' : i === 2 ? `${name}.` : FILLER[(i - 3) % FILLER.length];
  }
  return words;
}

/** Token budget: the smaller of the request's max tokens and the configured completion length. */
function completionBudget(body: Record<string, unknown>, cfg: FakeUpstreamConfig) {
  const requested = positiveInt(body.max_completion_tokens) ?? positiveInt(body.max_tokens);
  const limited = requested !== undefined && requested < cfg.completionTokens;
  return {
    tokens: limited ? requested : cfg.completionTokens,
    finishReason: limited ? 'length' : 'stop',
  };
}

interface PlannedToolCall {
  id: string;
  name: string;
  arguments: string;
}

/** Schema-shaped placeholder arguments: required properties get a value of their declared type. */
function fakeArguments(schema: unknown): Record<string, unknown> {
  const args: Record<string, unknown> = {};
  if (!isRecord(schema) || !isRecord(schema.properties) || !Array.isArray(schema.required)) return args;
  for (const key of schema.required) {
    if (typeof key !== 'string') continue;
    const prop = schema.properties[key];
    const type = isRecord(prop) ? prop.type : undefined;
    if (isRecord(prop) && Array.isArray(prop.enum) && prop.enum.length > 0) args[key] = prop.enum[0];
    else if (type === 'string') args[key] = 'fake';
    else if (type === 'number' || type === 'integer') args[key] = 1;
    else if (type === 'boolean') args[key] = true;
    else if (type === 'array') args[key] = [];
    else if (type === 'object') args[key] = {};
    else args[key] = null;
  }
  return args;
}

/**
 * A tool call is produced when tools are offered, the last message comes from the user (so a
 * follow-up after a tool result gets plain text) and either `toolCalls` is enabled or the request
 * forces one (`tool_choice: "required"` or a named function).
 */
function planToolCall(
  body: Record<string, unknown>,
  messages: unknown[],
  cfg: FakeUpstreamConfig,
  id: string,
): PlannedToolCall | null {
  const tools = body.tools;
  if (!Array.isArray(tools) || tools.length === 0) return null;
  const last = messages[messages.length - 1];
  if (!isRecord(last) || last.role !== 'user') return null;
  const choice = body.tool_choice;
  if (choice === 'none') return null;
  const wanted =
    isRecord(choice) && isRecord(choice.function) && typeof choice.function.name === 'string'
      ? choice.function.name
      : undefined;
  if (!cfg.toolCalls && choice !== 'required' && wanted === undefined) return null;
  for (const tool of tools) {
    if (!isRecord(tool) || !isRecord(tool.function)) continue;
    const fn = tool.function;
    if (typeof fn.name !== 'string' || (wanted !== undefined && fn.name !== wanted)) continue;
    return { id: `call_${id}`, name: fn.name, arguments: JSON.stringify(fakeArguments(fn.parameters)) };
  }
  return null;
}

/** FNV-1a: a cheap, stable seed from the input text. */
function hashString(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

/** mulberry32 PRNG, seeded, so embeddings are reproducible across runs and processes. */
function seededRandom(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Unit-length vector (like OpenAI's), rounded to float32 so JSON and base64 agree exactly. */
function embeddingVector(text: string, dims: number): number[] {
  const next = seededRandom(hashString(text));
  const v = new Array<number>(dims);
  let norm = 0;
  for (let i = 0; i < dims; i++) {
    const x = next() * 2 - 1;
    v[i] = x;
    norm += x * x;
  }
  const scale = norm > 0 ? 1 / Math.sqrt(norm) : 0;
  for (let i = 0; i < dims; i++) v[i] = Math.fround(v[i] * scale);
  return v;
}

function float32Base64(values: number[]): string {
  const buf = Buffer.allocUnsafe(values.length * 4);
  for (let i = 0; i < values.length; i++) buf.writeFloatLE(values[i], i * 4);
  return buf.toString('base64');
}

interface EmbeddingInput {
  text: string;
  tokens: number;
}

function isTokenArray(value: unknown): value is number[] {
  return Array.isArray(value) && value.length > 0 && value.every((t) => typeof t === 'number');
}

/** Accepts a string, a string array, a token array or an array of token arrays. */
function embeddingInputs(input: unknown): EmbeddingInput[] | null {
  if (typeof input === 'string') return [{ text: input, tokens: estimateTokens(input.length) }];
  if (!Array.isArray(input) || input.length === 0) return null;
  if (isTokenArray(input)) return [{ text: input.join(','), tokens: input.length }];
  const out: EmbeddingInput[] = [];
  for (const item of input) {
    if (typeof item === 'string') out.push({ text: item, tokens: estimateTokens(item.length) });
    else if (isTokenArray(item)) out.push({ text: item.join(','), tokens: item.length });
    else return null;
  }
  return out;
}

function words(text: string): string[] {
  return text.toLowerCase().match(/[\p{L}\p{N}]+/gu) ?? [];
}

/** 0.1 + 0.8 × (share of query words found in the document) + 0.1 × stable jitter: always in 0..1. */
function relevance(queryWords: string[], query: string, doc: string): number {
  let overlap = 0;
  if (queryWords.length > 0) {
    const docWords = new Set(words(doc));
    for (const w of queryWords) if (docWords.has(w)) overlap++;
    overlap /= queryWords.length;
  }
  const jitter = hashString(`${query}\u0000${doc}`) / 4294967296;
  return Math.round((0.1 + 0.8 * overlap + 0.1 * jitter) * 1e6) / 1e6;
}

/** OpenAI formats reset times like "1s", "6m0s", "20ms". */
function formatReset(ms: number): string {
  if (ms < 1000) return `${Math.max(0, Math.round(ms))}ms`;
  const seconds = ms / 1000;
  if (seconds < 60) return `${Number(seconds.toFixed(3))}s`;
  const minutes = Math.floor(seconds / 60);
  return `${minutes}m${Number((seconds - minutes * 60).toFixed(3))}s`;
}

function publicHost(host: string): string {
  if (host === '0.0.0.0' || host === '') return '127.0.0.1';
  if (host === '::') return '[::1]';
  return host.includes(':') ? `[${host}]` : host;
}

// ---------------------------------------------------------------------------------------------
// Server
// ---------------------------------------------------------------------------------------------

type Route =
  | { kind: 'chat' }
  | { kind: 'completions' }
  | { kind: 'embeddings' }
  | { kind: 'rerank' }
  | { kind: 'models' }
  | { kind: 'model'; id: string };

const ROUTE_CHAT: Route = { kind: 'chat' };
const ROUTE_COMPLETIONS: Route = { kind: 'completions' };
const ROUTE_EMBEDDINGS: Route = { kind: 'embeddings' };
const ROUTE_RERANK: Route = { kind: 'rerank' };
const ROUTE_MODELS: Route = { kind: 'models' };

/** Every endpoint is served with and without the `/v1` prefix. */
function resolveRoute(method: string, path: string): Route | null {
  let p = path.startsWith('/v1/') ? path.slice(3) : path;
  if (p.length > 1 && p.endsWith('/')) p = p.slice(0, -1);
  if (method === 'POST') {
    if (p === '/chat/completions') return ROUTE_CHAT;
    if (p === '/completions') return ROUTE_COMPLETIONS;
    if (p === '/embeddings') return ROUTE_EMBEDDINGS;
    if (p === '/rerank') return ROUTE_RERANK;
  } else if (method === 'GET') {
    if (p === '/models') return ROUTE_MODELS;
    if (p.startsWith('/models/') && p.length > 8) {
      try {
        return { kind: 'model', id: decodeURIComponent(p.slice(8)) };
      } catch {
        return null;
      }
    }
  }
  return null;
}

interface ActiveFault {
  kind: 'status' | 'hang' | 'reset' | 'midstream';
  status: number;
  retryAfterSeconds?: number;
  body?: Record<string, unknown>;
  afterChunks: number;
}

/** Per-request state. */
interface Exchange {
  req: IncomingMessage;
  res: ServerResponse;
  /** Config snapshot taken when the request arrived (configs are replaced, never mutated). */
  cfg: FakeUpstreamConfig;
  closed: boolean;
  /** Midstream fault: destroy the socket once this many chunks were written. */
  breakAfter: number | null;
  chunksSent: number;
}

/** The pieces of a stream: an optional head chunk, paced token chunks, then trailing chunks. */
interface StreamPlan {
  head: string | null;
  tokens: string[];
  tail: string[];
}

type ReadResult = { ok: true; text: string } | { ok: false };

function readBody(req: IncomingMessage): Promise<ReadResult> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      // Over the limit: keep draining (so the reply can still be sent) but stop buffering.
      if (size <= MAX_BODY_BYTES) chunks.push(chunk);
    });
    req.once('end', () => {
      if (size > MAX_BODY_BYTES) resolve({ ok: false });
      else
        resolve({
          ok: true,
          text: chunks.length === 1 ? chunks[0].toString('utf8') : Buffer.concat(chunks).toString('utf8'),
        });
    });
    req.once('error', reject);
  });
}

class FakeUpstreamServer implements FakeUpstream {
  url = '';
  baseUrl = '';
  port = 0;

  private readonly server: Server;
  private readonly initial: FakeUpstreamConfig;
  private cfg: FakeUpstreamConfig;
  private readonly sockets = new Set<Socket>();
  private readonly timers = new Set<NodeJS.Timeout>();
  private closing: Promise<void> | null = null;
  // Short random prefix keeps ids unique across instances; the counter keeps them cheap.
  private readonly idPrefix = randomBytes(4).toString('hex');
  private seq = 0;

  // Stats
  private total = 0;
  private byKey = new Map<string, number>();
  private byPath = new Map<string, number>();
  private byModel = new Map<string, number>();
  private inFlight = 0;
  private maxInFlight = 0;
  private faultsInjected = 0;
  private recorded: RecordedRequest[] = [];

  // Deterministic fault selection: eligible requests seen / affected requests left.
  private faultSeen = 0;
  private faultLeft = Number.POSITIVE_INFINITY;

  // Fixed one-minute window for rate limiting and x-ratelimit-* headers.
  private windowStart = 0;
  private windowRequests = 0;
  private windowTokens = 0;

  constructor(config: FakeUpstreamConfig) {
    this.initial = config;
    this.cfg = config;
    this.resetFaultProgress();
    this.server = createServer((req, res) => {
      this.handle(req, res).catch((err: unknown) => this.internalError(res, err));
    });
    // Longer than typical client pools (undici: 4 s, Node agent: 5 s) so the client closes first.
    this.server.keepAliveTimeout = 65_000;
    this.server.headersTimeout = 66_000;
    this.server.on('connection', (socket: Socket) => {
      this.sockets.add(socket);
      socket.once('close', () => this.sockets.delete(socket));
    });
  }

  listen(host: string, port: number): Promise<void> {
    return new Promise((resolve, reject) => {
      const onError = (err: Error) => reject(err);
      this.server.once('error', onError);
      this.server.listen(port, host, () => {
        this.server.off('error', onError);
        const address = this.server.address() as AddressInfo;
        this.port = address.port;
        this.baseUrl = `http://${publicHost(host)}:${address.port}`;
        this.url = `${this.baseUrl}/v1`;
        resolve();
      });
    });
  }

  // ---- public API -----------------------------------------------------------------------------

  stats(): FakeUpstreamStats {
    return {
      name: this.cfg.name,
      total: this.total,
      byKey: Object.fromEntries(this.byKey),
      byPath: Object.fromEntries(this.byPath),
      byModel: Object.fromEntries(this.byModel),
      inFlight: this.inFlight,
      maxInFlight: this.maxInFlight,
      faultsInjected: this.faultsInjected,
    };
  }

  requests(): RecordedRequest[] {
    return this.recorded.slice();
  }

  config(): FakeUpstreamConfig {
    return structuredClone(this.cfg);
  }

  reset(options?: { config?: boolean }): void {
    this.total = 0;
    this.byKey = new Map();
    this.byPath = new Map();
    this.byModel = new Map();
    this.maxInFlight = this.inFlight;
    this.faultsInjected = 0;
    this.recorded = [];
    this.windowStart = 0;
    this.windowRequests = 0;
    this.windowTokens = 0;
    if (options?.config === true) this.cfg = this.initial;
    this.resetFaultProgress();
  }

  configure(patch: FakeUpstreamSettings): FakeUpstreamConfig {
    const settings = parseFakeUpstreamSettings(patch);
    this.cfg = applySettings(this.cfg, settings);
    if (settings.fault !== undefined) this.resetFaultProgress();
    if (this.recorded.length > this.cfg.maxRecordedRequests) {
      this.recorded = this.recorded.slice(this.recorded.length - this.cfg.maxRecordedRequests);
    }
    return this.config();
  }

  close(): Promise<void> {
    if (this.closing === null) {
      this.closing = new Promise<void>((resolve) => {
        this.server.close(() => resolve());
        // Hung requests and idle keep-alive sockets would otherwise keep close() waiting.
        for (const socket of this.sockets) socket.destroy();
        for (const timer of this.timers) clearTimeout(timer);
        this.timers.clear();
      });
    }
    return this.closing;
  }

  // ---- plumbing -------------------------------------------------------------------------------

  private resetFaultProgress(): void {
    this.faultSeen = 0;
    this.faultLeft = this.cfg.fault?.count ?? Number.POSITIVE_INFINITY;
  }

  /** Tracked so close() can cancel pending latency/pacing timers. */
  private sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        this.timers.delete(timer);
        resolve();
      }, ms);
      this.timers.add(timer);
    });
  }

  private nextId(): string {
    this.seq++;
    return `${this.idPrefix}${this.seq.toString(36)}`;
  }

  private bump(map: Map<string, number>, key: string): void {
    map.set(key, (map.get(key) ?? 0) + 1);
  }

  private sendJson(ex: Exchange, status: number, payload: unknown, headers?: OutgoingHttpHeaders): void {
    if (ex.closed) return;
    const body = JSON.stringify(payload);
    ex.res.writeHead(status, {
      ...headers,
      'content-type': 'application/json',
      'content-length': Buffer.byteLength(body),
      'x-fake-upstream': ex.cfg.name,
    });
    ex.res.end(body);
  }

  private sendError(
    ex: Exchange,
    status: number,
    message: string,
    code: string | null = null,
    param: string | null = null,
  ): void {
    this.sendJson(ex, status, openAiError(message, errorKindForStatus(status).type, code, param));
  }

  private internalError(res: ServerResponse, err: unknown): void {
    if (res.headersSent || res.destroyed) {
      res.destroy();
      return;
    }
    const message = err instanceof Error ? err.message : String(err);
    const body = JSON.stringify(openAiError(`fake-upstream internal error: ${message}`, 'server_error'));
    res.writeHead(500, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) });
    res.end(body);
  }

  private record(entry: RecordedRequest, limit: number): void {
    if (limit === 0) return;
    this.recorded.push(entry);
    if (this.recorded.length > limit) this.recorded.splice(0, this.recorded.length - limit);
  }

  // ---- request pipeline -----------------------------------------------------------------------

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const rawUrl = req.url ?? '/';
    const q = rawUrl.indexOf('?');
    const path = q === -1 ? rawUrl : rawUrl.slice(0, q);
    const method = req.method ?? 'GET';
    const ex: Exchange = { req, res, cfg: this.cfg, closed: false, breakAfter: null, chunksSent: 0 };

    if (path.startsWith('/_fake/')) {
      res.once('close', () => (ex.closed = true));
      return this.handleControl(ex, method, path);
    }

    // 1. Count on arrival so faulted, rejected and hung requests are visible too.
    this.inFlight++;
    if (this.inFlight > this.maxInFlight) this.maxInFlight = this.inFlight;
    res.once('close', () => {
      ex.closed = true;
      this.inFlight--;
    });
    const apiKey = extractApiKey(req.headers);
    this.total++;
    this.bump(this.byPath, path);
    this.bump(this.byKey, apiKey ?? NO_KEY);

    // 2. Body: parsed as unknown, narrowed per route.
    const read = await readBody(req);
    if (!read.ok) return this.sendError(ex, 413, 'Request body too large');
    let body: unknown = null;
    let malformed = false;
    if (read.text.length > 0) {
      try {
        body = JSON.parse(read.text) as unknown;
      } catch {
        body = read.text;
        malformed = true;
      }
    }
    if (isRecord(body) && typeof body.model === 'string') this.bump(this.byModel, body.model);
    this.record(
      { method, path, headers: req.headers, body, apiKey, at: Date.now() },
      ex.cfg.maxRecordedRequests,
    );

    // 3. Route, auth, body shape.
    const route = resolveRoute(method, path);
    if (route === null) return this.sendError(ex, 404, `Invalid URL (${method} ${path})`);
    const keys = ex.cfg.requireApiKey;
    if (keys !== null && (apiKey === null || !keys.includes(apiKey))) {
      const message =
        apiKey === null
          ? "You didn't provide an API key. You need to provide your API key in an Authorization header using Bearer auth (i.e. Authorization: Bearer YOUR_KEY)."
          : `Incorrect API key provided: ${apiKey.length > 8 ? `${apiKey.slice(0, 3)}***${apiKey.slice(-4)}` : '***'}.`;
      return this.sendError(ex, 401, message, 'invalid_api_key');
    }
    if (malformed) {
      return this.sendError(
        ex,
        400,
        "We could not parse the JSON body of your request. (HINT: This likely means you aren't using your HTTP library correctly. The OpenAI API expects a JSON payload.)",
      );
    }
    const payload = isRecord(body) ? body : {};
    if (method === 'POST' && body !== null && !isRecord(body)) {
      return this.sendError(ex, 400, 'The request body must be a JSON object.');
    }

    // 4. Faults: the header override wins; configured faults only hit inference (POST) routes so
    //    background GET /models probes don't consume `count`/`rate` budgets.
    const override = headerValue(req.headers['x-fake-fault']);
    let fault: ActiveFault | null;
    if (override !== undefined) {
      const parsed = this.faultFromHeader(override, ex.cfg);
      if (parsed === undefined) {
        return this.sendError(ex, 400, `Invalid x-fake-fault header '${override}'`, null, 'x-fake-fault');
      }
      fault = parsed;
    } else {
      fault = method === 'POST' ? this.takeConfiguredFault() : null;
    }
    if (fault !== null) {
      this.faultsInjected++;
      if (fault.kind === 'hang') return; // never answer; close() or the client ends it
      if (fault.kind === 'reset') {
        req.socket.resetAndDestroy();
        return;
      }
      if (fault.kind === 'midstream') ex.breakAfter = fault.afterChunks;
    }

    // 5. Latency, then status faults and rate limits.
    if (ex.cfg.latencyMs > 0) {
      await this.sleep(ex.cfg.latencyMs);
      if (ex.closed) return;
    }
    if (fault !== null && fault.kind === 'status') return this.sendFault(ex, fault);
    if (method === 'POST' && !this.admit(ex)) return;

    // 6. The actual endpoint.
    switch (route.kind) {
      case 'chat':
        return this.chat(ex, payload);
      case 'completions':
        return this.completions(ex, payload);
      case 'embeddings':
        return this.embeddings(ex, payload);
      case 'rerank':
        return this.rerank(ex, payload);
      case 'models':
        return this.sendJson(ex, 200, {
          object: 'list',
          data: ex.cfg.models.map((id) => this.modelObject(id)),
        });
      case 'model':
        if (!ex.cfg.models.includes(route.id)) {
          return this.sendError(
            ex,
            404,
            `The model '${route.id}' does not exist`,
            'model_not_found',
            'model',
          );
        }
        return this.sendJson(ex, 200, this.modelObject(route.id));
    }
  }

  private modelObject(id: string) {
    return { id, object: 'model', created: MODEL_CREATED, owned_by: 'fake-upstream' };
  }

  private faultFromHeader(value: string, cfg: FakeUpstreamConfig): ActiveFault | null | undefined {
    const v = value.trim().toLowerCase();
    const afterChunks = cfg.fault?.afterChunks ?? DEFAULT_MIDSTREAM_CHUNKS;
    if (v === 'none') return null;
    if (v === 'hang' || v === 'reset' || v === 'midstream') return { kind: v, status: 0, afterChunks };
    const status = Number(v);
    if (Number.isInteger(status) && status >= 100 && status <= 599) {
      return { kind: 'status', status, afterChunks, retryAfterSeconds: cfg.fault?.retryAfterSeconds };
    }
    return undefined;
  }

  /** `rate` r hits request n when floor((n+1)·r) > floor(n·r): exact, no randomness. */
  private takeConfiguredFault(): ActiveFault | null {
    const f = this.cfg.fault;
    if (f === null) return null;
    const rate = f.rate ?? 1;
    const n = this.faultSeen++;
    if (Math.floor((n + 1) * rate + 1e-9) <= Math.floor(n * rate + 1e-9)) return null;
    this.faultLeft--;
    if (this.faultLeft <= 0) this.cfg = { ...this.cfg, fault: null };
    if (f.kind === 'none') return null;
    return {
      kind: f.kind,
      status: f.status ?? 500,
      retryAfterSeconds: f.retryAfterSeconds,
      body: f.body,
      afterChunks: f.afterChunks ?? DEFAULT_MIDSTREAM_CHUNKS,
    };
  }

  private sendFault(ex: Exchange, fault: ActiveFault): void {
    const headers: OutgoingHttpHeaders = {};
    if (fault.retryAfterSeconds !== undefined) headers['retry-after'] = String(fault.retryAfterSeconds);
    const { type, code } = errorKindForStatus(fault.status);
    const message =
      fault.status === 429
        ? `Rate limit reached (injected by fake-upstream ${ex.cfg.name}).`
        : fault.status >= 500
          ? `The server had an error while processing your request (injected by fake-upstream ${ex.cfg.name}).`
          : `Injected error ${fault.status} from fake-upstream ${ex.cfg.name}.`;
    this.sendJson(ex, fault.status, fault.body ?? openAiError(message, type, code), headers);
  }

  // ---- rate limiting --------------------------------------------------------------------------

  private rollWindow(now: number): void {
    if (now - this.windowStart >= WINDOW_MS) {
      this.windowStart = now;
      this.windowRequests = 0;
      this.windowTokens = 0;
    }
  }

  /** Counts the request in this minute's window; answers 429 when a configured limit is used up. */
  private admit(ex: Exchange): boolean {
    const now = Date.now();
    this.rollWindow(now);
    const limit = ex.cfg.rateLimit;
    if (limit !== null) {
      const overRequests = limit.rpm !== undefined && this.windowRequests >= limit.rpm;
      const overTokens = limit.tpm !== undefined && this.windowTokens >= limit.tpm;
      if (overRequests || overTokens) {
        const resetMs = this.windowStart + WINDOW_MS - now;
        const headers = this.rateHeaders(ex.cfg, now) ?? {};
        headers['retry-after'] = String(Math.max(1, Math.ceil(resetMs / 1000)));
        const what = overRequests
          ? `requests per min (RPM): Limit ${limit.rpm}, Used ${this.windowRequests}`
          : `tokens per min (TPM): Limit ${limit.tpm}, Used ${this.windowTokens}`;
        this.sendJson(
          ex,
          429,
          openAiError(
            `Rate limit reached on ${what}. Please try again in ${formatReset(resetMs)}.`,
            'rate_limit_error',
            'rate_limit_exceeded',
          ),
          headers,
        );
        return false;
      }
    }
    this.windowRequests++;
    return true;
  }

  /** Charges the response's tokens to the window and returns the x-ratelimit-* headers, if enabled. */
  private charge(ex: Exchange, tokens: number): OutgoingHttpHeaders | undefined {
    this.windowTokens += tokens;
    return this.rateHeaders(ex.cfg, Date.now());
  }

  private rateHeaders(cfg: FakeUpstreamConfig, now: number): OutgoingHttpHeaders | undefined {
    if (!cfg.rateLimitHeaders) return undefined;
    const rpm = cfg.rateLimit?.rpm ?? HEADER_DEFAULT_RPM;
    const tpm = cfg.rateLimit?.tpm ?? HEADER_DEFAULT_TPM;
    const reset = formatReset(this.windowStart + WINDOW_MS - now);
    return {
      'x-ratelimit-limit-requests': String(rpm),
      'x-ratelimit-remaining-requests': String(Math.max(0, rpm - this.windowRequests)),
      'x-ratelimit-limit-tokens': String(tpm),
      'x-ratelimit-remaining-tokens': String(Math.max(0, tpm - this.windowTokens)),
      'x-ratelimit-reset-requests': reset,
      'x-ratelimit-reset-tokens': reset,
    };
  }

  // ---- endpoints ------------------------------------------------------------------------------

  private defaultModel(cfg: FakeUpstreamConfig): string {
    return cfg.models[0] ?? 'fake-model';
  }

  private chat(ex: Exchange, body: Record<string, unknown>): Promise<void> | void {
    const messages = body.messages;
    if (!Array.isArray(messages)) {
      return this.sendError(ex, 400, "'messages' is a required property", null, 'messages');
    }
    const cfg = ex.cfg;
    const model = typeof body.model === 'string' ? body.model : this.defaultModel(cfg);
    const id = `chatcmpl-${this.nextId()}`;
    const created = nowSeconds();
    const promptTokens = estimateTokens(chatPromptChars(messages));
    const toolCall = planToolCall(body, messages, cfg, this.nextId());
    const stream = body.stream === true;
    const includeUsage =
      !cfg.omitStreamUsage && isRecord(body.stream_options) && body.stream_options.include_usage === true;

    let completion: string[];
    let finishReason: string;
    if (toolCall !== null) {
      completion = [];
      finishReason = 'tool_calls';
    } else {
      const budget = completionBudget(body, cfg);
      completion = replyWords(cfg.name, budget.tokens);
      finishReason = budget.finishReason;
    }
    const completionTokens =
      toolCall !== null
        ? estimateTokens(toolCall.name.length + toolCall.arguments.length)
        : completion.length;
    const usage = usageOf(promptTokens, completionTokens, cfg.cachedTokens);
    const headers = this.charge(ex, usage.total_tokens);

    if (!stream) {
      const message =
        toolCall !== null
          ? {
              role: 'assistant',
              content: null,
              tool_calls: [
                {
                  id: toolCall.id,
                  type: 'function',
                  function: { name: toolCall.name, arguments: toolCall.arguments },
                },
              ],
            }
          : { role: 'assistant', content: completion.join(' ') };
      return this.reply(ex, headers, {
        id,
        object: 'chat.completion',
        created,
        model,
        choices: [{ index: 0, message, finish_reason: finishReason }],
        usage,
      });
    }

    // Chunks are assembled from a shared prefix: one JSON.stringify per token, not per object.
    const prefix = `{"id":${JSON.stringify(id)},"object":"chat.completion.chunk","created":${created},"model":${JSON.stringify(model)},"choices":`;
    const choice = (delta: string, finish: string | null) =>
      `${prefix}[{"index":0,"delta":${delta},"finish_reason":${finish === null ? 'null' : `"${finish}"`}}]}`;
    const plan: StreamPlan = { head: null, tokens: [], tail: [] };
    if (toolCall !== null) {
      const call = {
        index: 0,
        id: toolCall.id,
        type: 'function',
        function: { name: toolCall.name, arguments: '' },
      };
      plan.head = choice(JSON.stringify({ role: 'assistant', content: null, tool_calls: [call] }), null);
      plan.tokens.push(
        choice(
          JSON.stringify({ tool_calls: [{ index: 0, function: { arguments: toolCall.arguments } }] }),
          null,
        ),
      );
    } else {
      plan.head = choice('{"role":"assistant","content":""}', null);
      for (let i = 0; i < completion.length; i++) {
        // Leading spaces (like real tokenizers) so the concatenated deltas equal the non-stream text.
        plan.tokens.push(
          choice(`{"content":${JSON.stringify(i === 0 ? completion[i] : ` ${completion[i]}`)}}`, null),
        );
      }
    }
    plan.tail.push(choice('{}', finishReason));
    if (includeUsage) plan.tail.push(`${prefix}[],"usage":${JSON.stringify(usage)}}`);
    return this.stream(ex, headers, plan);
  }

  private completions(ex: Exchange, body: Record<string, unknown>): Promise<void> | void {
    const prompt = body.prompt;
    let promptTokens: number;
    if (typeof prompt === 'string') promptTokens = estimateTokens(prompt.length);
    else {
      const inputs = embeddingInputs(prompt);
      if (inputs === null) return this.sendError(ex, 400, "'prompt' is a required property", null, 'prompt');
      promptTokens = inputs.reduce((sum, i) => sum + i.tokens, 0);
    }
    const cfg = ex.cfg;
    const model = typeof body.model === 'string' ? body.model : this.defaultModel(cfg);
    const id = `cmpl-${this.nextId()}`;
    const created = nowSeconds();
    const budget = completionBudget(body, cfg);
    const completion = replyWords(cfg.name, budget.tokens);
    const usage = usageOf(promptTokens, completion.length, cfg.cachedTokens);
    const headers = this.charge(ex, usage.total_tokens);

    if (body.stream !== true) {
      return this.reply(ex, headers, {
        id,
        object: 'text_completion',
        created,
        model,
        choices: [
          { text: completion.join(' '), index: 0, logprobs: null, finish_reason: budget.finishReason },
        ],
        usage,
      });
    }
    const prefix = `{"id":${JSON.stringify(id)},"object":"text_completion","created":${created},"model":${JSON.stringify(model)},"choices":`;
    const choice = (text: string, finish: string | null) =>
      `${prefix}[{"text":${JSON.stringify(text)},"index":0,"logprobs":null,"finish_reason":${finish === null ? 'null' : `"${finish}"`}}]}`;
    const plan: StreamPlan = {
      head: null,
      tokens: completion.map((w, i) => choice(i === 0 ? w : ` ${w}`, null)),
      tail: [choice('', budget.finishReason)],
    };
    if (!cfg.omitStreamUsage && isRecord(body.stream_options) && body.stream_options.include_usage === true) {
      plan.tail.push(`${prefix}[],"usage":${JSON.stringify(usage)}}`);
    }
    return this.stream(ex, headers, plan);
  }

  private embeddings(ex: Exchange, body: Record<string, unknown>): void {
    const inputs = embeddingInputs(body.input);
    if (inputs === null) {
      return this.sendError(
        ex,
        400,
        "'input' must be a non-empty string, array of strings or array of token arrays",
        null,
        'input',
      );
    }
    let dims = ex.cfg.dimensions;
    if (body.dimensions !== undefined) {
      const d = body.dimensions;
      if (typeof d !== 'number' || !Number.isInteger(d) || d < 1 || d > MAX_DIMENSIONS) {
        return this.sendError(
          ex,
          400,
          `'dimensions' must be an integer between 1 and ${MAX_DIMENSIONS}`,
          null,
          'dimensions',
        );
      }
      dims = d;
    }
    const base64 = body.encoding_format === 'base64';
    let tokens = 0;
    const data = inputs.map((input, index) => {
      tokens += input.tokens;
      const vector = embeddingVector(input.text, dims);
      return { object: 'embedding', index, embedding: base64 ? float32Base64(vector) : vector };
    });
    const headers = this.charge(ex, tokens);
    this.reply(ex, headers, {
      object: 'list',
      data,
      model: typeof body.model === 'string' ? body.model : 'text-embedding-3-small',
      usage: { prompt_tokens: tokens, total_tokens: tokens },
    });
  }

  private rerank(ex: Exchange, body: Record<string, unknown>): void {
    const query = body.query;
    if (typeof query !== 'string' || query.length === 0) {
      return this.sendError(ex, 400, "'query' must be a non-empty string", null, 'query');
    }
    const documents = body.documents;
    const texts: string[] = [];
    if (Array.isArray(documents)) {
      for (const doc of documents) {
        if (typeof doc === 'string') texts.push(doc);
        else if (isRecord(doc) && typeof doc.text === 'string') texts.push(doc.text);
        else break;
      }
    }
    if (!Array.isArray(documents) || texts.length !== documents.length || texts.length === 0) {
      return this.sendError(
        ex,
        400,
        "'documents' must be a non-empty array of strings or {text} objects",
        null,
        'documents',
      );
    }
    let topN = texts.length;
    if (body.top_n !== undefined) {
      const n = body.top_n;
      if (typeof n !== 'number' || !Number.isInteger(n) || n < 1) {
        return this.sendError(ex, 400, "'top_n' must be a positive integer", null, 'top_n');
      }
      topN = Math.min(n, texts.length);
    }
    const queryWords = words(query);
    const withDocs = body.return_documents === true;
    const results = texts
      .map((text, index) => ({ index, relevance_score: relevance(queryWords, query, text), text }))
      .sort((a, b) => b.relevance_score - a.relevance_score || a.index - b.index)
      .slice(0, topN)
      .map(({ index, relevance_score, text }) =>
        withDocs ? { index, relevance_score, document: { text } } : { index, relevance_score },
      );
    const tokens = texts.reduce((sum, t) => sum + estimateTokens(t.length), estimateTokens(query.length));
    const headers = this.charge(ex, tokens);
    this.reply(ex, headers, {
      id: `rerank-${this.nextId()}`,
      model: typeof body.model === 'string' ? body.model : 'fake-rerank',
      results,
      meta: {
        api_version: { version: '2' },
        billed_units: { search_units: 1 },
        tokens: { input_tokens: tokens, output_tokens: 0 },
      },
      usage: { total_tokens: tokens },
    });
  }

  // ---- writing --------------------------------------------------------------------------------

  /** JSON reply; under a midstream fault only half the body goes out before the socket dies. */
  private reply(ex: Exchange, headers: OutgoingHttpHeaders | undefined, payload: unknown): void {
    if (ex.breakAfter === null) return this.sendJson(ex, 200, payload, headers);
    const body = Buffer.from(JSON.stringify(payload));
    ex.res.writeHead(200, {
      ...headers,
      'content-type': 'application/json',
      'content-length': body.length,
      'x-fake-upstream': ex.cfg.name,
    });
    ex.res.write(body.subarray(0, body.length >> 1), () => ex.res.destroy());
  }

  private async stream(
    ex: Exchange,
    headers: OutgoingHttpHeaders | undefined,
    plan: StreamPlan,
  ): Promise<void> {
    const { res, cfg } = ex;
    if (ex.closed) return;
    res.writeHead(200, {
      ...headers,
      'content-type': 'text/event-stream',
      'cache-control': 'no-cache',
      'x-fake-upstream': cfg.name,
    });
    // Headers go out now (after latencyMs), independent of the time to first token.
    res.flushHeaders();
    if (plan.head !== null && !(await this.emit(ex, plan.head))) return;
    if (cfg.ttftMs > 0) await this.sleep(cfg.ttftMs);
    const interval = cfg.tokensPerSecond > 0 ? 1000 / cfg.tokensPerSecond : 0;
    const start = performance.now();
    for (let i = 0; i < plan.tokens.length; i++) {
      if (i > 0 && interval > 0) {
        // Schedule against the start time so timer overshoot doesn't accumulate.
        const wait = start + i * interval - performance.now();
        if (wait >= 1) await this.sleep(wait);
      }
      if (!(await this.emit(ex, plan.tokens[i]))) return;
    }
    for (const chunk of plan.tail) if (!(await this.emit(ex, chunk))) return;
    if (!(await this.emit(ex, '[DONE]'))) return;
    res.end();
  }

  /** Writes one SSE frame with its own write (so it is flushed); false = stop streaming. */
  private emit(ex: Exchange, data: string): boolean | Promise<boolean> {
    if (ex.closed) return false;
    const { res } = ex;
    if (ex.breakAfter !== null && ex.chunksSent >= ex.breakAfter) {
      // Let the already-queued headers reach the client before the connection dies.
      setImmediate(() => res.destroy());
      return false;
    }
    ex.chunksSent++;
    const frame = `data: ${data}\n\n`;
    if (ex.breakAfter !== null && ex.chunksSent >= ex.breakAfter) {
      res.write(frame, () => res.destroy());
      return false;
    }
    if (res.write(frame)) return true;
    return new Promise<boolean>((resolve) => {
      const done = () => {
        res.off('drain', done);
        res.off('close', done);
        resolve(!ex.closed);
      };
      res.on('drain', done);
      res.on('close', done);
    });
  }

  // ---- control endpoints ----------------------------------------------------------------------

  private async handleControl(ex: Exchange, method: string, path: string): Promise<void> {
    const route = `${method} ${path.endsWith('/') ? path.slice(0, -1) : path}`;
    switch (route) {
      case 'GET /_fake/stats':
        return this.sendJson(ex, 200, this.stats());
      case 'GET /_fake/requests':
        return this.sendJson(ex, 200, this.recorded);
      case 'GET /_fake/config':
        return this.sendJson(ex, 200, this.cfg);
      case 'GET /_fake/health':
        return this.sendJson(ex, 200, { status: 'ok', name: this.cfg.name });
      case 'POST /_fake/reset':
      case 'POST /_fake/config': {
        const read = await readBody(ex.req);
        let body: unknown = {};
        try {
          if (read.ok && read.text.trim().length > 0) body = JSON.parse(read.text) as unknown;
        } catch {
          return this.sendError(ex, 400, 'We could not parse the JSON body of your request.');
        }
        if (route === 'POST /_fake/reset') {
          this.reset({ config: isRecord(body) && body.config === true });
          return this.sendJson(ex, 200, this.stats());
        }
        try {
          return this.sendJson(ex, 200, this.configure(parseFakeUpstreamSettings(body)));
        } catch (err) {
          if (err instanceof FakeUpstreamConfigError) return this.sendError(ex, 400, err.message);
          throw err;
        }
      }
      default:
        return this.sendError(ex, 404, `Invalid URL (${method} ${path})`);
    }
  }
}

/** Starts a fake upstream; `port: 0` (the default) picks a free port. */
export async function startFakeUpstream(options: FakeUpstreamOptions = {}): Promise<FakeUpstream> {
  const { host = '127.0.0.1', port = 0, ...settings } = options;
  const config = applySettings(DEFAULT_CONFIG, parseFakeUpstreamSettings(settings));
  const server = new FakeUpstreamServer(config);
  await server.listen(host, port);
  return server;
}
