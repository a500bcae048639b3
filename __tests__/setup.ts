import { setupJest } from "cdktf/lib/testing/adapters/jest";

setupJest();

/**
 * cdktf records a stack trace for every token it creates, into a plain object rather than an Error
 * (constructs' captureStackTrace), to explain a token that later fails to resolve. jest source-maps
 * every trace it formats, which made those records most of a synth's time in tests. As in the app
 * (lib/private/stack-traces.ts), those records are left without frames; errors keep jest's
 * source-mapped format, so a failing test still points at its TypeScript line.
 */
const sourceMapped = Error.prepareStackTrace;
Error.prepareStackTrace = (error, frames) =>
  error instanceof Error ? (sourceMapped ? sourceMapped(error, frames) : [String(error), ...frames.map((f) => `    at ${f}`)].join("\n")) : String(error);
