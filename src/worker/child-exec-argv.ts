/**
 * Node flags of the producer and consumer child processes (nothing of the parent's leaks into them).
 *
 * `--enable-source-maps` keeps stack traces readable. The semi-space flags pin V8's young generation at the
 * size its heuristics grow it to under load anyway (16 MB per semi-space, Node 20's maximum): left to grow,
 * it doubles at the first allocation burst that needs it, which in a 2-hour soak came after 96 minutes as a
 * +18 MB step of a consumer process's RSS with nothing else moving (bench/RESULTS.md, the third 2-hour soak).
 * Pinned, that memory is taken in the first seconds, so a soak's RSS curve shows only what really grows.
 */
export const CHILD_EXEC_ARGV: readonly string[] = Object.freeze([
  '--enable-source-maps',
  '--min-semi-space-size=16',
  '--max-semi-space-size=16',
]);
