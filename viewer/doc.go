// Package viewer is a client for the Hugging Face dataset viewer API
// (datasets-server): is-valid, splits, info, parquet, size, first-rows,
// rows, search and filter, with typed responses and typed errors.
//
// A [Client] is built with [New] from an endpoint (default
// [DefaultEndpoint]), an *http.Client and a token; it is safe for
// concurrent use. Every method names its endpoint and returns an [*Error]
// when the viewer answers with an error; test it with errors.Is against
// [ErrNotFound], [ErrUnauthorized], [ErrNotReady], [ErrInvalidRequest],
// [ErrNotSupported] or [ErrServer].
//
//	v := viewer.New("", http.DefaultClient, os.Getenv("HF_TOKEN"))
//	splits, err := v.Splits(ctx, "ibm/duorc", "")
//	for row, err := range v.AllRows(ctx, "stanfordnlp/imdb", "plain_text", "train", 100) { ... }
//
// Package viewertest serves the recorded responses of the real viewer on
// loopback, for tests.
package viewer
