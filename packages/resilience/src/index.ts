// Skeleton: this package builds and publishes its manifest; its API arrives with its own issue.
export {};
