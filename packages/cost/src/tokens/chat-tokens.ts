import type {
  ChatMessage,
  ChatRequest,
  ChatRole,
  ImagePart,
  ResponseFormat,
  TokenEstimate,
  TokenEstimator,
  ToolDefinition,
} from '@ply/core';
import {
  type ChatRules,
  chatRules,
  HARMONY_TOOL_TOKENS,
  NAMED_TOOL_CHOICE_TOKENS,
  NONE_TOOL_CHOICE_TOKENS,
  RESPONSE_FORMAT_OVERHEAD,
  TOKENS_PER_MESSAGE,
  TOKENS_PER_NAME,
  TOOLS_SECTION_ADJUSTMENT,
} from './chat-rules.js';
import { countWithEncoding, type EncodeListener } from './count-tokens.js';
import { encodingForModel, type TokenEncodingName } from './encoding.js';
import {
  DEFAULT_IMAGE_SIZE,
  type ImageSize,
  imageSizeFromDataUrl,
  imageTokens,
} from './image-tokens.js';
import { TextTokenCache, type TextTokenCacheStats } from './text-token-cache.js';
import { renderResponseFormatSection, renderToolsSection } from './tool-rendering.js';

/** The pixel size of an image the caller knows (from its upload, say); `undefined` if not. */
export type ImageSizeResolver = (url: string) => ImageSize | undefined;

export interface ChatTokenOptions {
  /** The model to count for; `request.model` when omitted. */
  model?: string;
  /**
   * Image sizes. When it returns `undefined`, a `data:` URL's header is read, and failing
   * that the image is taken to be 1024x1024.
   */
  imageSize?: ImageSizeResolver;
}

export interface MessageTokenCount {
  index: number;
  role: ChatRole;
  /** Role, name, text and tool calls; framing and images are counted apart. */
  tokens: number;
  /** False for tool calls, tool results, refusals, and texts cut for length. */
  exact: boolean;
}

export interface ChatTokenBreakdown {
  messages: MessageTokenCount[];
  /** Hidden tool definitions, tool choice, and the gpt-5 tool preamble: an estimate. */
  tools: number;
  /** The hidden `json_schema` text: an estimate. */
  responseFormat: number;
  /** All image parts: an estimate. */
  images: number;
  /** 3 a message, 1 a name, tool-call overhead, a hidden system message, reply priming. */
  framing: number;
}

export interface ChatTokenEstimate extends TokenEstimate {
  encoding: TokenEncodingName;
  breakdown: ChatTokenBreakdown;
}

export interface TokenEstimatorOptions {
  /** Texts whose counts are kept, per encoding (LRU). Default 10,000; 0 turns caching off. */
  cacheSize?: number;
  /** Characters the cache may hold in all. Default 16,000,000. */
  cacheMaxCharacters?: number;
  /** Default image sizes for every request; see {@link ChatTokenOptions.imageSize}. */
  imageSize?: ImageSizeResolver;
  /** Called for every call into the WASM encoder: for metrics and tests. */
  onEncode?: EncodeListener;
}

/** `@ply/core`'s `TokenEstimator`, plus the detailed chat count and its cache. */
export interface TiktokenEstimator extends TokenEstimator {
  /** Tokens in `text` for `model` (`o200k_base` when unknown). Not cached. */
  countText(text: string, model?: string): TokenEstimate;
  /** Prompt tokens of a chat request: `estimateChatTokens` without the breakdown. */
  estimateChat(request: ChatRequest): TokenEstimate;
  /**
   * Prompt tokens as OpenAI bills them, with a breakdown. Exact (`exact: true`) for text
   * messages with a known model; tools, response formats, tool calls and images are
   * estimates. Message texts are cached, so counting a growing conversation after every
   * turn encodes each message once.
   */
  estimateChatTokens(request: ChatRequest, options?: ChatTokenOptions): ChatTokenEstimate;
  cacheStats(): TextTokenCacheStats;
  clearCache(): void;
}

const ZERO: TokenEstimate = Object.freeze({ tokens: 0, exact: true });

interface RenderedSection {
  /** The section as the whole of a hidden system message. */
  alone: string;
  /** The section appended to a system message or after another section. */
  appended: string;
}

function section(text: string): RenderedSection {
  return { alone: text, appended: `\n\n${text}` };
}

export function createTokenEstimator(options: TokenEstimatorOptions = {}): TiktokenEstimator {
  const cache = new TextTokenCache({
    maxEntries: options.cacheSize,
    maxCharacters: options.cacheMaxCharacters,
  });
  const { onEncode } = options;
  // Tool arrays and formats are usually the same objects turn after turn: render once.
  const toolSections = new WeakMap<readonly ToolDefinition[], RenderedSection>();
  const formatSections = new WeakMap<ResponseFormat, RenderedSection | null>();

  function count(encoding: TokenEncodingName, text: string): TokenEstimate {
    if (text.length === 0) return ZERO;
    const cached = cache.get(encoding, text);
    if (cached !== undefined) return cached;
    const counted = countWithEncoding(encoding, text, onEncode);
    cache.set(encoding, text, counted);
    return counted;
  }

  function toolsSection(tools: readonly ToolDefinition[]): RenderedSection {
    let rendered = toolSections.get(tools);
    if (rendered === undefined) {
      rendered = section(renderToolsSection(tools));
      toolSections.set(tools, rendered);
    }
    return rendered;
  }

  function formatSection(format: ResponseFormat): RenderedSection | undefined {
    let rendered = formatSections.get(format);
    if (rendered === undefined) {
      const text = renderResponseFormatSection(format);
      rendered = text === undefined ? null : section(text);
      formatSections.set(format, rendered);
    }
    return rendered ?? undefined;
  }

  function imageCount(part: ImagePart, model: string | undefined, resolver?: ImageSizeResolver) {
    const size = resolver?.(part.url) ?? imageSizeFromDataUrl(part.url) ?? DEFAULT_IMAGE_SIZE;
    return imageTokens({ model, width: size.width, height: size.height, detail: part.detail });
  }

  function estimateChatTokens(
    request: ChatRequest,
    chatOptions: ChatTokenOptions = {},
  ): ChatTokenEstimate {
    const model = chatOptions.model ?? request.model;
    const rules: ChatRules = chatRules(model);
    const { encoding } = rules;
    const resolver = chatOptions.imageSize ?? options.imageSize;
    const breakdown: ChatTokenBreakdown = {
      messages: [],
      tools: 0,
      responseFormat: 0,
      images: 0,
      framing: rules.replyPriming,
    };
    let exact = rules.known;
    const functionNames = new Map<string, string>();

    for (const [index, message] of request.messages.entries()) {
      let tokens = 0;
      let messageExact = true;
      const add = (text: string): void => {
        const counted = count(encoding, text);
        tokens += counted.tokens;
        if (!counted.exact) messageExact = false;
      };
      const addContent = (content: ChatMessage['content']): void => {
        if (typeof content === 'string') add(content);
        else if (Array.isArray(content)) {
          for (const part of content) {
            if (part.type === 'text') add(part.text);
            else {
              breakdown.images += imageCount(part, model, resolver);
              messageExact = false;
            }
          }
        }
      };
      breakdown.framing += TOKENS_PER_MESSAGE;
      if (message.role === 'tool') {
        const name = rules.toolResultUnderFunctionName
          ? functionNames.get(message.toolCallId)
          : undefined;
        add(name ?? 'tool');
        addContent(message.content);
        messageExact = false;
      } else {
        add(message.role);
        addContent(message.content);
        if (message.name !== undefined) {
          breakdown.framing += TOKENS_PER_NAME;
          add(message.name);
        }
      }
      if (message.role === 'assistant') {
        if (typeof message.refusal === 'string' && message.refusal !== '') {
          add(message.refusal);
          messageExact = false;
        }
        for (const call of message.toolCalls ?? []) {
          functionNames.set(call.id, call.name);
          add(call.name);
          add(call.arguments);
          breakdown.framing += rules.toolCallOverhead;
          messageExact = false;
        }
      }
      breakdown.messages.push({ index, role: message.role, tokens, exact: messageExact });
      if (!messageExact) exact = false;
    }

    // Tool definitions and a json_schema go into hidden system text: appended to the first
    // system or developer message, or into a system message of their own.
    let hiddenText = request.messages.some((m) => m.role === 'system' || m.role === 'developer');
    const addHidden = (rendered: RenderedSection): number => {
      if (!hiddenText) {
        breakdown.framing += TOKENS_PER_MESSAGE + count(encoding, 'system').tokens;
        hiddenText = true;
        return count(encoding, rendered.alone).tokens;
      }
      return count(encoding, rendered.appended).tokens;
    };
    const tools = request.tools ?? [];
    if (tools.length > 0) {
      exact = false;
      breakdown.tools += addHidden(toolsSection(tools)) + TOOLS_SECTION_ADJUSTMENT;
      if (rules.harmony) breakdown.tools += HARMONY_TOOL_TOKENS;
      else if (request.toolChoice === 'none') breakdown.tools += NONE_TOOL_CHOICE_TOKENS;
      else if (typeof request.toolChoice === 'object') {
        breakdown.tools +=
          NAMED_TOOL_CHOICE_TOKENS + count(encoding, request.toolChoice.name).tokens;
      }
    }
    const format = request.responseFormat;
    if (format !== undefined && format.type !== 'text') {
      exact = false;
      const rendered = formatSection(format);
      if (rendered !== undefined) {
        breakdown.responseFormat += addHidden(rendered) + RESPONSE_FORMAT_OVERHEAD;
      }
    }
    if (breakdown.images > 0) exact = false;

    let total = breakdown.tools + breakdown.responseFormat + breakdown.images + breakdown.framing;
    for (const message of breakdown.messages) total += message.tokens;
    return { tokens: total, exact, encoding, breakdown };
  }

  return {
    countText: (text, model) => countWithEncoding(encodingForModel(model), text, onEncode),
    estimateChat(request) {
      const { tokens, exact } = estimateChatTokens(request);
      return { tokens, exact };
    },
    estimateChatTokens,
    cacheStats: () => cache.stats(),
    clearCache: () => cache.clear(),
  };
}

/** The shared estimator: one cache for the process, encoders created on first use. */
export const tiktokenEstimator: TiktokenEstimator = createTokenEstimator();

/** Prompt tokens of a chat request with the shared estimator; see {@link TiktokenEstimator}. */
export function estimateChatTokens(
  request: ChatRequest,
  options?: ChatTokenOptions,
): ChatTokenEstimate {
  return tiktokenEstimator.estimateChatTokens(request, options);
}
