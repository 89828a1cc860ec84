/** The environment variable holding the run's marker. */
export declare const RUN_MARKER_VAR: "CODEX_ACTORS_TEST_RUN";
/** This run's marker, created (and put into process.env for the workers) on first use. */
export declare function runMarker(): string;
