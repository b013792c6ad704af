/** The brand on every ply error; a registered symbol, for the reason in ply-error.ts. */
export const PLY_ERROR_BRAND = Symbol.for('@ply/core/error');
