// Package interop holds the checks that run the official Hugging Face clients
// (the JS @huggingface/hub and the Python huggingface_hub) against our server
// with only the endpoint pointed at it, and that Python and we share one
// cache. The checks themselves live in js/ and python/; the Go tests here run
// them against hubtest when node (and its node_modules) or the Python client
// are present, and skip otherwise. See README.md for running them by hand.
package interop
