export { ApiError, type ErrorBody } from './api-error.js';
export { type Behaviour, DEFAULT_MODELS, type SimulatedModel } from './catalogue.js';
export type { Fault, FaultKind, FaultMatch } from './faults.js';
export { FaultInjector } from './faults.js';
export type { LoggedRequest } from './request-log.js';
export { RequestLog } from './request-log.js';
export { type RunningSimulator, type StartSimulatorOptions, startSimulator } from './server.js';
export type { SimulatorOptions } from './simulation.js';
export { createSimulator, type Simulator } from './simulator.js';
