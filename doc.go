// Package hfhub is a client for the Hugging Face Hub: repository metadata,
// downloads into the standard Hugging Face cache (shared with the Python
// huggingface_hub client), uploads and repository management.
//
// Everything starts with [New], which resolves configuration from explicit
// options, then the environment (the Python client's variable names), then
// defaults.
package hfhub
