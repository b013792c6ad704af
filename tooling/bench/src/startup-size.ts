// Placeholder while this suite is written.
export async function benchStartupSize(_smoke: boolean): Promise<void> {}
