/** A setting a benchmark's child process needs from its parent, which passes it in the environment. */
export function requiredEnv (name: string): string {
  const value = process.env[name]
  if (value === undefined || value === '') throw new Error(`${name} is required`)
  return value
}
