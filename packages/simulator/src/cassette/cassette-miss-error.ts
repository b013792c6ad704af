/** A replayed request that no unused recorded interaction matches. Replay never goes online. */
export class CassetteMissError extends Error {
  override readonly name = 'CassetteMissError';
  readonly method: string;
  /** Path and query, as matched. */
  readonly path: string;
  /** How the closest recorded request differs from this one, when any comes close. */
  readonly closest: string | undefined;

  constructor(method: string, path: string, closest: string | undefined) {
    super(
      `No recorded interaction left for ${method} ${path}${closest ? `; closest: ${closest}` : ''}`,
    );
    this.method = method;
    this.path = path;
    this.closest = closest;
  }
}
