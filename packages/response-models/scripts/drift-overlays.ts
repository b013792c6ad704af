// Fields real traffic carries that spec 2.3.0 does not describe. Each becomes part of the
// generated types (so users can reach it) and of lenient parsing, while strict parsing
// keeps rejecting it: strict means the spec, and these are the documented exceptions.
// FIELDS.md lists them with their reason.

export interface DriftOverlay {
  component: string;
  property: string;
  /** Where the drift shows, so nobody has to take it on faith. */
  reason: string;
  /** A property the spec lacks: its JSON Schema. */
  add?: Record<string, unknown>;
  /** Enum values the spec lacks. */
  extraValues?: string[];
  /** The spec forbids null; traffic sends it. */
  nullable?: true;
}

const optionalStrings = (...names: string[]) =>
  Object.fromEntries(names.map((name) => [name, { type: 'string' }]));

export const DRIFT_OVERLAYS: DriftOverlay[] = [
  {
    component: 'ChatCompletionStreamResponseDelta',
    property: 'audio',
    reason:
      'streamed audio output arrives as `delta.audio`; the official SDK types it, the spec omits it',
    add: {
      type: 'object',
      description: 'A fragment of the audio response: base64 data, transcript, id and expiry.',
      properties: {
        ...optionalStrings('id', 'data', 'transcript'),
        expires_at: { type: 'integer' },
      },
    },
  },
  {
    component: 'ChatCompletionMessageToolCallChunk',
    property: 'type',
    reason: 'custom tool calls stream with `type: "custom"`; the spec lists only `function`',
    extraValues: ['custom'],
  },
  {
    component: 'ChatCompletionMessageToolCallChunk',
    property: 'custom',
    reason: 'custom tool calls stream their name and input under `custom`; the spec omits it',
    add: {
      type: 'object',
      description: 'A fragment of a custom tool call: its name and free-form input.',
      properties: optionalStrings('name', 'input'),
    },
  },
  {
    component: 'ChatCompletionResponseMessage',
    property: 'function_call',
    reason: 'older models send `function_call: null`; the official SDK types it nullable',
    nullable: true,
  },
];
