import { ToolArgumentsError, type ToolCall } from '@ply/core';

/** A complete function call with its arguments parsed; invalid JSON is a typed error carrying the text. */
export function parseToolCall(
  call: { id: string; name: string; arguments: string },
  provider: string,
): ToolCall {
  try {
    return { ...call, input: call.arguments.trim() === '' ? {} : JSON.parse(call.arguments) };
  } catch (cause) {
    throw new ToolArgumentsError(
      `The arguments of tool call ${call.name} (${call.id}) are not valid JSON`,
      {
        provider,
        toolName: call.name,
        toolCallId: call.id,
        rawArguments: call.arguments,
        cause,
      },
    );
  }
}
