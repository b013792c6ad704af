/** Thrown inside the simulator when a fault drops the connection before any header. */
export class ConnectionDropped extends Error {
  override readonly name = 'ConnectionDropped';
}

/** What Node's fetch (undici) raises when the peer drops the connection mid-body. */
export function resetError(): Error {
  return new TypeError('terminated', {
    cause: Object.assign(new Error('other side closed'), { code: 'UND_ERR_SOCKET' }),
  });
}
