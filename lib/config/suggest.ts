/**
 * "Did you mean" for unknown keys. Bounded in cost whatever the key: a file may hold a key of
 * megabytes, and an edit distance over the whole of it took a minute and gigabytes.
 */

/** The known key closest to `key`, when it is close enough to be a likely typo. */
export function closestKey(key: string, known: readonly string[]): string | undefined {
  const lower = key.toLowerCase();
  const sameLetters = known.find((k) => k.toLowerCase() === lower);
  if (sameLetters) return sameLetters;
  let best: { key: string; distance: number } | undefined;
  for (const candidate of known) {
    const allowed = typoDistance(candidate);
    // The distance is at least the difference in length: a much longer key cannot be a typo, so it
    // is never compared, and a compared one is at most a third longer than a known key.
    if (Math.abs(lower.length - candidate.length) > allowed) continue;
    const distance = editDistance(lower, candidate.toLowerCase());
    if (distance <= allowed && (!best || distance < best.distance)) best = { key: candidate, distance };
  }
  if (best) return best.key;
  return known.find((k) => k.toLowerCase().startsWith(lower) || lower.startsWith(k.toLowerCase()));
}

function typoDistance(candidate: string): number {
  return Math.max(1, Math.floor(candidate.length / 3));
}

function editDistance(a: string, b: string): number {
  // Optimal string alignment: insertions, deletions, substitutions and swapped neighbours
  // ("namepsace") each count as one edit.
  const d = Array.from({ length: a.length + 1 }, (_, i) => Array.from({ length: b.length + 1 }, (_, j) => (i === 0 ? j : j === 0 ? i : 0)));
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      d[i][j] = Math.min(d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) d[i][j] = Math.min(d[i][j], d[i - 2][j - 2] + 1);
    }
  }
  return d[a.length][b.length];
}
