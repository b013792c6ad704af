// The answers of the overhead suite: one chat completion and one streamed answer, built
// once as bytes, so whoever serves them (a server in its own process, or a fetch that never
// leaves this one) does no work per request beyond handing them over. They are shaped as
// OpenAI sends them (real field order, usage, rate-limit headers) but written here: the
// text is ours, not recorded.

export const MODEL = 'gpt-4o-mini';
const SERVED_MODEL = 'gpt-4o-mini-2024-07-18';
const FINGERPRINT = 'fp_bench0001';

/** Text chunks each streamed answer carries. */
export const STREAM_CHUNKS = 500;

/**
 * Response headers as the API sends them; the request id stays fixed. The limits are far
 * above any run: ply's limiter learns them (30,000 RPM, a real tier's, held the full stack
 * back for a minute once a run passed 30,000 calls, as it should against a real server).
 */
export const ANSWER_HEADERS: Readonly<Record<string, string>> = {
  'x-request-id': 'req_bench0000000000000000000000000',
  'openai-processing-ms': '212',
  'openai-version': '2020-10-01',
  'x-ratelimit-limit-requests': '1000000000',
  'x-ratelimit-remaining-requests': '999999999',
  'x-ratelimit-reset-requests': '2ms',
  'x-ratelimit-limit-tokens': '1000000000000',
  'x-ratelimit-remaining-tokens': '999999999990',
  'x-ratelimit-reset-tokens': '0s',
};

/** The usage of a 13-token prompt and an answer of `completionTokens`. */
function usage(completionTokens: number) {
  return {
    prompt_tokens: 13,
    completion_tokens: completionTokens,
    total_tokens: completionTokens + 13,
    prompt_tokens_details: { cached_tokens: 0, audio_tokens: 0 },
    completion_tokens_details: {
      reasoning_tokens: 0,
      audio_tokens: 0,
      accepted_prediction_tokens: 0,
      rejected_prediction_tokens: 0,
    },
  };
}

const completion = {
  id: 'chatcmpl-bench0001',
  object: 'chat.completion',
  created: 1_765_000_000,
  model: SERVED_MODEL,
  choices: [
    {
      index: 0,
      message: {
        role: 'assistant',
        content: 'The stack is as fast as the network under it.',
        refusal: null,
        annotations: [],
      },
      logprobs: null,
      finish_reason: 'stop',
    },
  ],
  usage: usage(11),
  service_tier: 'default',
  system_fingerprint: FINGERPRINT,
};

/** The non-streaming answer's body. */
export const COMPLETION_BODY = Buffer.from(JSON.stringify(completion));

function chunk(delta: object, finishReason: string | null, usage: object | null = null) {
  return {
    id: 'chatcmpl-bench0002',
    object: 'chat.completion.chunk',
    created: 1_765_000_000,
    model: SERVED_MODEL,
    service_tier: 'default',
    system_fingerprint: FINGERPRINT,
    choices:
      usage === null ? [{ index: 0, delta, logprobs: null, finish_reason: finishReason }] : [],
    usage,
  };
}

const WORDS = ['lorem', 'ipsum', 'dolor', 'sit', 'amet', 'consectetur', 'adipiscing', 'elit'];

function streamEvents(): object[] {
  const events: object[] = [chunk({ role: 'assistant', content: '', refusal: null }, null)];
  for (let index = 0; index < STREAM_CHUNKS; index++) {
    events.push(chunk({ content: ` ${WORDS[index % WORDS.length]}` }, null));
  }
  events.push(chunk({}, 'stop'));
  events.push(chunk({}, null, usage(STREAM_CHUNKS)));
  return events;
}

/** The streamed answer's body: every event, then `[DONE]`. */
export const STREAM_BODY = Buffer.from(
  `${streamEvents()
    .map((event) => `data: ${JSON.stringify(event)}\n\n`)
    .join('')}data: [DONE]\n\n`,
);

/** Whether a request body asks for a stream, without parsing it. */
export const wantsStream = (body: string) => body.includes('"stream":true');
