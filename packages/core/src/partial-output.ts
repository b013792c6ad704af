/** A tool call as far as it had arrived; its arguments may be cut mid-JSON. */
export interface PartialToolCall {
  toolCallIndex: number;
  id?: string;
  name?: string;
  arguments: string;
}

/** What a stream had delivered for its first choice when it stopped early. */
export interface PartialOutput {
  text: string;
  refusal: string;
  toolCalls: PartialToolCall[];
  /** Events delivered to the caller before the stop. */
  eventCount: number;
}

export function hasContent(partial: PartialOutput): boolean {
  return partial.text !== '' || partial.refusal !== '' || partial.toolCalls.length > 0;
}
