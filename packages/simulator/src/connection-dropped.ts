/** Thrown inside the simulator when a fault drops the connection before any header. */
export class ConnectionDropped extends Error {
  override readonly name = 'ConnectionDropped';
}

/** What a real client sees when the peer resets the connection. */
export function resetError(): Error {
  return Object.assign(new Error('read ECONNRESET'), { code: 'ECONNRESET' });
}
