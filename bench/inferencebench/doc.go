// Package inferencebench holds the inference client's benchmarks: SSE
// decoding throughput and allocations per chunk, and the latency the client
// adds over a raw HTTP read of the same stream from inferencetest (first
// token and whole stream). Run with
//
//	go test -run '^$' -bench . -benchmem ./bench/inferencebench/
//
// bench/README.md has the latest figures.
package inferencebench
