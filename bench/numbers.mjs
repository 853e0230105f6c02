// Small numeric helpers shared by the bench scripts (run, profile-core, profile-latency,
// startup, startup-ab, reliability).

/** A positive whole number from the environment variable `name`, else `dflt`. */
export function envCount(name, dflt) {
  const v = Number(process.env[name]);
  return Number.isFinite(v) && v > 0 ? Math.floor(v) : dflt;
}

/** The `p`th percentile of `xs` (nearest rank). */
export function pct(xs, p) {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.max(0, Math.ceil((p / 100) * s.length) - 1))];
}
