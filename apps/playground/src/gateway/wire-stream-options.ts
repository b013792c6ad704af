import {
  invalidField,
  optionalBoolean,
  refuseUnknownFields,
  requireObject,
} from './wire-fields.js';

const STREAM_OPTIONS: ReadonlySet<string> = new Set(['include_usage', 'include_obfuscation']);

/**
 * Reads a chat body's `stream_options`: only with `stream: true`, an object of OpenAI's
 * two booleans. Returns whether to send a usage chunk before `[DONE]`. The gateway writes
 * its own chunks, so `include_obfuscation` is checked and has nothing to turn on.
 */
export function wireIncludeUsage(value: unknown, stream: boolean): boolean {
  if (value === undefined || value === null) return false;
  if (!stream) invalidField('stream_options', 'is only allowed when stream is true');
  const options = requireObject('stream_options', value);
  refuseUnknownFields(options, STREAM_OPTIONS, 'stream_options.');
  optionalBoolean('stream_options.include_obfuscation', options.include_obfuscation);
  return optionalBoolean('stream_options.include_usage', options.include_usage) ?? false;
}
