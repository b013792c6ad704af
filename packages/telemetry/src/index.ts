export { GEN_AI, GENERAL, METRIC, OPERATION, PLY, TOKEN_TYPE } from './gen-ai-names.js';
export { SCOPE, type TelemetryOptions } from './instruments.js';
export {
  type PolicyEvent,
  spanEventAttributes,
  spanEventName,
  spanEvents,
} from './policy-events.js';
export { defaultProviderName, type ProviderNamer } from './target-attributes.js';
export { type Telemetry, telemetry } from './telemetry.js';
