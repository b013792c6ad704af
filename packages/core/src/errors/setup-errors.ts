import { PlyError } from './ply-error.js';

/** A provider or policy was set up with options that cannot work. */
export class ConfigurationError extends PlyError {
  static override readonly code: string = 'invalid_configuration';
  declare readonly code: 'invalid_configuration';
}

/** A registry id that names no registered provider. */
export class ProviderNotFoundError extends PlyError {
  static override readonly code: string = 'provider_not_found';
  declare readonly code: 'provider_not_found';
}

/** A failure that is not one of ply's own, wrapped so callers always see a `PlyError`. */
export class UnexpectedError extends PlyError {
  static override readonly code: string = 'unexpected';
  declare readonly code: 'unexpected';
}
