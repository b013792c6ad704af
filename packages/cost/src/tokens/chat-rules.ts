// How OpenAI frames a chat request into prompt tokens, by model family. The text framing
// is exact (checked against every text case in shared/reference/tokens/cases.jsonl); the
// tool and response-format constants are fitted to that file's tools and
// response_format cases and are estimates.
import {
  baseModelName,
  encodingForModel,
  isKnownChatModel,
  type TokenEncodingName,
} from './encoding.js';

/** Every message: its start, its role/separator and its end. */
export const TOKENS_PER_MESSAGE = 3;
/** A `name` on a message costs its own tokens and one more. */
export const TOKENS_PER_NAME = 1;

/** Fitted: the tools section costs one token less than its rendered text. */
export const TOOLS_SECTION_ADJUSTMENT = -1;
/** Fitted: a `json_schema` response format costs 4 tokens beyond its rendered text. */
export const RESPONSE_FORMAT_OVERHEAD = 4;
/**
 * Fitted: gpt-5-generation requests with tools carry about 80 hidden tokens besides the
 * tool namespace (the harmony-format system preamble that declares the tool channels).
 */
export const HARMONY_TOOL_TOKENS = 81;
/** A forced function (`toolChoice: { type: 'function', name }`): 4 tokens and the name. */
export const NAMED_TOOL_CHOICE_TOKENS = 4;
/** `toolChoice: 'none'`. */
export const NONE_TOOL_CHOICE_TOKENS = 1;

export interface ChatRules {
  encoding: TokenEncodingName;
  /** A family whose framing is known; text-only counts are exact only then. */
  known: boolean;
  /** Tokens that prime the reply: 3, or 2 for the o-series and the gpt-5 generation. */
  replyPriming: number;
  /** The gpt-5 generation (harmony format): hidden tool preamble, no tool-choice cost. */
  harmony: boolean;
  /** Tokens a tool call in the history adds beyond its name and arguments. */
  toolCallOverhead: number;
  /** cl100k-era models render a tool result under the called function's name, not `tool`. */
  toolResultUnderFunctionName: boolean;
}

/** Rules by model name, kept: a call counts with the rules of one of a few models. */
const known = new Map<string | undefined, ChatRules>();
const KEPT = 1_000;

export function chatRules(model: string | undefined): ChatRules {
  let rules = known.get(model);
  if (rules === undefined) {
    rules = rulesOf(model);
    if (known.size >= KEPT) known.clear();
    known.set(model, rules);
  }
  return rules;
}

function rulesOf(model: string | undefined): ChatRules {
  const encoding = encodingForModel(model);
  const base = baseModelName(model ?? '');
  const reasoning = /^(o[1-9]|gpt-[5-9]|gpt-\d\d)/.test(base);
  const legacy = encoding === 'cl100k_base';
  return {
    encoding,
    known: model !== undefined && isKnownChatModel(model),
    replyPriming: reasoning ? 2 : 3,
    harmony: /^(gpt-[5-9]|gpt-\d\d)/.test(base),
    toolCallOverhead: legacy ? 3 : 0,
    toolResultUnderFunctionName: legacy,
  };
}
