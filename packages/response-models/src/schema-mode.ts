/**
 * `lenient` (the default) parses whatever real traffic sends: unknown fields are kept,
 * null is accepted where the spec says a value, an unknown string where the spec fixes one
 * (enum value, literal, variant tag) and unknown variants are kept as they are. `strict` accepts exactly the spec: for conformance tests and for
 * servers that claim to implement it (the ply simulator).
 */
export type SchemaMode = 'lenient' | 'strict';
