export type { ResilienceEvent, ResilienceEventListener } from './resilience-event.js';
