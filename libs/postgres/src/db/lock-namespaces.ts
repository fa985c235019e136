/**
 * First key of every two-key advisory lock we take, so refresh locks (keyed by hashtext(account
 * id)), job leadership (hashtext(job)) and migrations never collide with each other or with
 * another application's locks in the same database.
 */
export const LOCK_NAMESPACE = {
  migrations: 0x4d43_5001,
  refresh: 0x4d43_5002,
  jobs: 0x4d43_5003,
  rpm: 0x4d43_5004,
} as const;
