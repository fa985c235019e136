/** One schema change, applied once, in version order, inside a transaction. Never edit a released one: add another. */
export interface Migration {
  version: number;
  name: string;
  sql: string;
}

// Row tables (accounts, oauth_flows, api_keys) hold one JSON document per row plus a version that
// every write bumps: replicas compare versions to know which rows they must re-read.
const rowTable = (name: string): string => `
  CREATE TABLE ${name} (
    id text PRIMARY KEY,
    doc jsonb NOT NULL,
    version bigint NOT NULL DEFAULT 1,
    updated_at timestamptz NOT NULL DEFAULT now()
  );`;

export const MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    name: 'shared store',
    sql: `
      CREATE TABLE mcp_settings (key text PRIMARY KEY, value jsonb NOT NULL);
      ${rowTable('accounts')}
      ${rowTable('oauth_flows')}
      ${rowTable('api_keys')}

      -- Traces: the newest TRACE_RETENTION_MAX are kept. seq orders them; (origin, seq) lets each
      -- replica fetch what another one appended since it last looked.
      CREATE TABLE traces (
        seq bigserial PRIMARY KEY,
        id text NOT NULL UNIQUE,
        at bigint NOT NULL,
        origin text NOT NULL,
        record jsonb NOT NULL
      );
      CREATE INDEX traces_origin_seq_idx ON traces (origin, seq);

      -- The lifetime stats history (PROTOCOL §10.5): append-only, never pruned.
      CREATE TABLE stats_history (
        seq bigserial PRIMARY KEY,
        id text NOT NULL UNIQUE,
        origin text NOT NULL,
        at bigint NOT NULL,
        route text NOT NULL,
        method text NOT NULL,
        account_id text,
        client_key_id text,
        model text,
        status integer NOT NULL,
        is_error boolean NOT NULL,
        stream boolean NOT NULL,
        latency_ms integer NOT NULL,
        ttfb_ms integer,
        tokens_input integer NOT NULL,
        tokens_input_cached integer NOT NULL,
        tokens_output integer NOT NULL,
        tokens_reasoning integer NOT NULL,
        tokens_total integer NOT NULL,
        cost_usd double precision,
        finish_reason text
      );
      CREATE INDEX stats_history_origin_seq_idx ON stats_history (origin, seq);
      CREATE INDEX stats_history_at_idx ON stats_history (at);
      CREATE INDEX stats_history_account_at_idx ON stats_history (account_id, at);

      -- Session affinity (PROTOCOL §7.3), keyed by a hash of the session key, never the key itself.
      CREATE SEQUENCE session_affinity_seq;
      CREATE TABLE session_affinity (
        session_hash text PRIMARY KEY,
        account_id text NOT NULL,
        at bigint NOT NULL,
        origin text NOT NULL,
        seq bigint NOT NULL DEFAULT nextval('session_affinity_seq')
      );
      CREATE INDEX session_affinity_origin_seq_idx ON session_affinity (origin, seq);
      CREATE INDEX session_affinity_at_idx ON session_affinity (at);
      CREATE INDEX session_affinity_account_idx ON session_affinity (account_id);

      -- The model catalogue discovered by the leader, adopted by the other replicas.
      CREATE TABLE model_catalogue (
        id smallint PRIMARY KEY CHECK (id = 1),
        state jsonb NOT NULL,
        version bigint NOT NULL DEFAULT 1,
        updated_at timestamptz NOT NULL DEFAULT now()
      );
    `,
  },
  {
    version: 2,
    name: 'client key request windows',
    sql: `
      -- Admitted requests per client key over the last minute, so every replica enforces one rpmLimit (§12.4).
      CREATE TABLE client_key_requests (
        key_id text NOT NULL,
        at bigint NOT NULL
      );
      CREATE INDEX client_key_requests_key_at_idx ON client_key_requests (key_id, at);
    `,
  },
];
