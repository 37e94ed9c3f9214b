/**
 * The benchmark runs in compressed time: every latency, timeout, window and cooldown is one tenth
 * of its real length (and every rate ten times), so a scenario that would take ten minutes takes
 * one. Ratios (p99 / p50, extra requests, answered %) are unchanged; the report prints times as
 * measured (compressed) and says so. What cannot be compressed is named where it applies (the AI
 * SDK's own retry backoff).
 */
export const COMPRESSION = 10;

/** A real duration in seconds, compressed, in milliseconds. */
export const scaledMs = (realSeconds: number): number => (realSeconds * 1000) / COMPRESSION;

/** A real duration in seconds, compressed, in seconds. */
export const scaledSeconds = (realSeconds: number): number => realSeconds / COMPRESSION;

/** A real rate (per second), compressed. */
export const scaledRate = (perSecond: number): number => perSecond * COMPRESSION;
