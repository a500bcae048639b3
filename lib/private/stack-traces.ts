/**
 * Runs `fn` without formatting stack traces. cdktf captures a full stack trace for every token it
 * creates (to explain a failed resolution later) and formats each at once; at 1000 workloads that
 * formatting is about a fifth of synthesis. V8 formats an error's `stack` lazily, when it is first
 * read, so an error that escapes `fn` still gets its trace once the formatter is restored. The cost:
 * a token that fails to resolve is reported without the stack where it was created.
 */
export function withoutStackTraceFormatting<T>(fn: () => T): T {
  const saved = Error.prepareStackTrace;
  Error.prepareStackTrace = (error: Error) => `${error.name}: ${error.message}`;
  try {
    return fn();
  } finally {
    Error.prepareStackTrace = saved;
  }
}
