import type { DataSourceJsonData } from '@grafana/data';
import type { DataQuery } from '@grafana/schema';

// A Rust backend, when the plugin has one, reads these same field names (pkg/query.rs and
// pkg/settings.rs): rename a field on both sides or not at all.

/** The constant of a query that sets none; the backend falls back to the same value. */
export const DEFAULT_CONSTANT = 6.5;

/** A query as the query editor builds it and the data source runs it. */
export type MyQuery = DataQuery & {
  /** Free text; dashboard variables in it are replaced before the query runs. */
  queryText?: string;
  /** The value every point of the answer has. */
  constant: number;
};

/** Where a new query starts (see `getDefaultQuery` in datasource.ts). */
export const DEFAULT_QUERY: Partial<MyQuery> = { constant: DEFAULT_CONSTANT };

/** Settings of one data source instance that the browser may see: its `jsonData`. */
export type MyDataSourceOptions = DataSourceJsonData & {
  /** An example setting; a real data source might keep a URL path or a region here. */
  path?: string;
};

/** Settings only the backend may read: its `secureJsonData`, write-only from the browser. */
export type MySecureJsonData = {
  apiKey?: string;
};
