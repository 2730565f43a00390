/** What the database looks like right now, as a key: for results kept while nothing has changed. */
import type { DbOrTx } from "./client";

interface SqliteClient {
  inTransaction: boolean;
  prepare(sql: string): { pluck(): { get(): unknown } };
}
const stateQueries = new WeakMap<SqliteClient, { get(): unknown }>();

/**
 * A key that changes whenever the database may have changed: the rows this connection has
 * written (SQLite's total_changes(), which only grows) and the commits of other connections
 * (PRAGMA data_version). Null inside a transaction, whose changes may still be rolled back.
 */
export function databaseState(db: DbOrTx): { client: SqliteClient; key: string } | null {
  const client = (db as { $client?: SqliteClient }).$client;
  if (!client || client.inTransaction) return null;
  let q = stateQueries.get(client);
  if (!q) {
    q = client.prepare("select total_changes() || ':' || data_version from pragma_data_version").pluck();
    stateQueries.set(client, q);
  }
  return { client, key: String(q.get()) };
}

const memos = new WeakMap<SqliteClient, Map<string, { key: string; value: unknown }>>();

/**
 * `compute()`, or its last result for this `name` while the database has not changed since
 * (see databaseState): for reads every page makes, such as the pending-change count in the
 * navigation. Inside a transaction it always computes.
 */
export function whileUnchanged<T>(db: DbOrTx, name: string, compute: () => T): T {
  const state = databaseState(db);
  if (!state) return compute();
  let byName = memos.get(state.client);
  if (!byName) memos.set(state.client, (byName = new Map()));
  const hit = byName.get(name);
  if (hit && hit.key === state.key) return hit.value as T;
  const value = compute();
  byName.set(name, { key: state.key, value });
  return value;
}
