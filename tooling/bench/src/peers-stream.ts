// Placeholder while this suite is written.
export async function benchPeersStream(_smoke: boolean): Promise<void> {}
