// Placeholder while this suite is written.
export async function benchPeersComplete(_smoke: boolean): Promise<void> {}
