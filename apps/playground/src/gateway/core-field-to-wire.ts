import { type ChatRequest, InvalidRequestError, validateChatRequest } from '@ply/core';

/** Core request paths and where the same value sits in the OpenAI body. */
const RENAMES: readonly (readonly [RegExp, string])[] = [
  [/^messages\[(\d+)\]\.toolCallId/, 'messages[$1].tool_call_id'],
  [
    /^messages\[(\d+)\]\.toolCalls\[(\d+)\]\.(name|arguments)/,
    'messages[$1].tool_calls[$2].function.$3',
  ],
  [/^messages\[(\d+)\]\.toolCalls/, 'messages[$1].tool_calls'],
  [/^messages\[(\d+)\]\.content\[(\d+)\]\.(url|detail)/, 'messages[$1].content[$2].image_url.$3'],
  [/^tools\[(\d+)\]\.(name|description|parameters|strict)/, 'tools[$1].function.$2'],
  [/^toolChoice\.name/, 'tool_choice.function.name'],
  [/^toolChoice/, 'tool_choice'],
  [/^responseFormat\.(name|schema|description|strict)/, 'response_format.json_schema.$1'],
  [/^responseFormat/, 'response_format'],
  [/^parallelToolCalls/, 'parallel_tool_calls'],
  [/^topP/, 'top_p'],
  [/^presencePenalty/, 'presence_penalty'],
  [/^frequencyPenalty/, 'frequency_penalty'],
  [/^logitBias/, 'logit_bias'],
  [/^topLogprobs/, 'top_logprobs'],
  [/^reasoningEffort/, 'reasoning_effort'],
  [/^serviceTier/, 'service_tier'],
];

/** `maxOutputTokens` is whichever of the two wire fields the client sent. */
function coreFieldToWire(field: string, maxTokensField: string): string {
  if (field === 'maxOutputTokens') return maxTokensField;
  for (const [pattern, replacement] of RENAMES) {
    if (pattern.test(field)) return field.replace(pattern, replacement);
  }
  return field;
}

/**
 * Runs core's checks (ranges, names, schemas) on a request, so a front end refuses exactly
 * what a ply provider would, with the failing field named as its client wrote it:
 * `fieldName` turns core's path (`messages[0].toolCallId`) into the client's
 * (`messages[0].tool_call_id`, or `request.messages[0].toolCallId` for the page).
 */
export function validateChatRequestAs(
  request: ChatRequest,
  fieldName: (coreField: string) => string,
): void {
  try {
    validateChatRequest(request);
  } catch (error) {
    if (!InvalidRequestError.isInstance(error) || error.field === undefined) throw error;
    const field = fieldName(error.field);
    const problem = error.message.startsWith(`${error.field}: `)
      ? error.message.slice(error.field.length + 2)
      : error.message;
    throw new InvalidRequestError(`${field}: ${problem}`, { field, cause: error });
  }
}

/** Core's checks on a mapped wire request, naming the field as the OpenAI body has it. */
export function validateAsWire(request: ChatRequest, maxTokensField: string): void {
  validateChatRequestAs(request, (field) => coreFieldToWire(field, maxTokensField));
}
