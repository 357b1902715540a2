/** Milliseconds in a Go/compose-style duration ("45s", "1m30s", "500ms"). */
export function durationMs(text: string): number {
  const parts = [...text.matchAll(/(\d+(?:\.\d+)?)(ms|us|h|m|s)/g)];
  if (parts.length === 0 || parts.map((p) => p[0]).join('') !== text) {
    throw new Error(`not a duration: ${JSON.stringify(text)}`);
  }
  const unitMs: Record<string, number> = { h: 3_600_000, m: 60_000, s: 1000, ms: 1, us: 0.001 };
  return parts.reduce((sum, [, value, unit]) => sum + Number(value) * unitMs[unit!]!, 0);
}
