// The size-limit plugins ship without types: each is a list of plugin objects that
// size-limit's API runs step by step.
declare module '@size-limit/file' {
  const plugin: readonly object[];
  export default plugin;
}

declare module '@size-limit/esbuild' {
  const plugin: readonly object[];
  export default plugin;
}
