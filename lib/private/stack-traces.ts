/**
 * Runs `fn` without the stack traces cdktf records for every token it creates. cdktf (like
 * constructs) records them with `Error.captureStackTrace` into a plain object, only to explain a
 * token that later fails to resolve; at 1000 workloads capturing and formatting them is a large share
 * of synthesis (`npm run bench`). Within `fn`, a capture into anything that is not an Error records nothing, and
 * cdktf keeps an empty trace. Errors keep their stacks: V8 records those itself, and a capture into
 * an Error (as custom error classes do) still happens.
 * The cost: a token that fails to resolve is reported without the stack where it was created.
 */
export function withoutTokenStackTraces<T>(fn: () => T): T {
  const capture = Error.captureStackTrace;
  Error.captureStackTrace = intoErrorsOnly(capture);
  try {
    return fn();
  } finally {
    Error.captureStackTrace = capture;
  }
}

/** `capture` (Error.captureStackTrace), applied only when its target is an Error. */
export function intoErrorsOnly(capture: typeof Error.captureStackTrace): typeof Error.captureStackTrace {
  return function captureIntoErrorsOnly(...args: Parameters<typeof capture>): void {
    if (args[0] instanceof Error) capture.apply(Error, args);
  };
}
