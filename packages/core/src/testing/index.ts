export {
  InMemoryProvider,
  type InMemoryProviderOptions,
  type InMemoryReply,
  type RecordedCall,
} from './in-memory-provider.js';
export { ManualClock } from './manual-clock.js';
