// Package inference is a client for Hugging Face inference: the Inference
// Providers router (https://router.huggingface.co), each provider's own
// API, OpenAI-compatible servers and dedicated Inference Endpoints. It
// covers every task method of the Python InferenceClient (release 1.28)
// with typed requests and results, streams chat and text generation as
// iter.Seq2 sequences, and reports failures as *Error values that
// errors.Is matches against the Err… sentinels.
//
//	c, err := inference.New() // HF_TOKEN or the stored token, HF_ENDPOINT, HF_ROUTER_URL
//	resp, err := c.ChatCompletion(ctx, &inference.ChatRequest{
//		Model:    "meta-llama/Llama-3.1-8B-Instruct",
//		Messages: []inference.Message{{Role: "user", Content: inference.Text("Hello")}},
//	})
//
// # Routing
//
// With provider "auto" (the default) chat goes to the router's
// /v1/chat/completions, which picks the provider; other tasks use the
// first provider of the model's inferenceProviderMapping. An explicit
// provider ([WithProvider]) goes through the mapping and the route table
// (one row of data per provider, [Providers] lists them). An HF token
// (hf_…) routes through {router}/{provider}; any other key is a
// provider's own key and is sent only to that provider, directly.
// [WithBaseURL] (or a URL as model) targets an OpenAI-compatible server or
// an Inference Endpoint without any lookup. Every router URL, polling URLs
// included, derives from the router base ([WithRouterURL], HF_ROUTER_URL).
//
// # Streaming
//
// [Client.ChatCompletionStream] and [Client.TextGenerationStream] parse
// server-sent events per the SSE specification (CRLF, comments, split
// UTF-8, no [DONE]) and hand each chunk on as it arrives. Breaking out of
// the loop closes the connection; cancelling the context unblocks a read
// in progress; error events inside a stream are yielded as *Error.
// [ChatAccumulator] merges deltas, tool calls included.
//
// # Errors and retries
//
// HTTP failures are *Error with the status, request id and the provider's
// message. Nothing is retried by default (inference is billed);
// [WithRetry] retries 429 (Retry-After) and 503 (model loading) within
// bounds, never after a stream's first byte.
//
// # Concurrency
//
// A Client is safe for concurrent use; provider mappings are cached per
// model for its lifetime. The inferencetest package is a loopback fake for
// tests.
package inference
