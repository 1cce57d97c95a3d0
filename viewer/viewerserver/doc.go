// Package viewerserver answers the dataset viewer API (the service behind
// the Hub's dataset preview, datasets-server) for datasets held by a
// [Source]: /is-valid, /splits, /info, /size, /parquet, /first-rows,
// /rows, /search, /filter and /statistics, with the answers of the
// recorded OpenAPI schema (viewer/viewertest/openapi.json).
//
// Everything is computed from the dataset's own files, resolved as the
// datasets library resolves them (package dataset) and read natively
// (package dataset/rows): Parquet, JSON Lines, JSON, CSV/TSV and text,
// compressed or not. /parquet lists the refs/convert/parquet export when
// the dataset has one. Answers that need a whole split (sizes, search,
// filter, statistics) are computed once per dataset commit and kept in a
// bounded cache; a push makes a new commit and so new answers.
//
// server.Server mounts this handler on its own listener, so a client's
// --viewer-endpoint can point at the Hub server itself.
package viewerserver
