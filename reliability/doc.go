// Package reliability holds hfhub's cross-cutting reliability and security
// tests; it has no API of its own.
//
// The tests drive the public library (package hfhub), the cache, the
// server and the CLI over real loopback TCP, against hubtest or against
// small hostile servers written in the tests, and prove the promises of
// issue 9:
//
//   - a fault matrix for downloads and uploads (dropped connections at
//     random offsets, stalls, 5xx bursts, 429 with Retry-After, truncated
//     and corrupted bodies, servers ignoring Range, etags changing between
//     HEAD and GET, redirect loops, slow-loris servers, refused
//     connections): transient faults are survived, permanent ones give a
//     typed error, and the cache afterwards holds only verified blobs;
//   - process-level faults: SIGKILL during a large download and during
//     UploadLargeFolder followed by a rerun that finishes without redoing
//     finished work, four processes downloading one snapshot at once, a
//     full disk;
//   - hostile inputs: tree and commit entries that try to leave the
//     snapshot folder, huge JSON, endless pagination, redirects that try
//     to collect the token, tokens leaking into errors, logs or JSON
//     output;
//   - server hardening: every private or write route against every kind
//     of token, request paths that try to leave the store, bounded bodies
//     and headers, serialised concurrent commits.
//
// Fuzz targets live beside the code they exercise (files named
// *_fuzz_test.go); their seed corpora run with the normal tests. Long
// fuzzing runs are manual:
//
//	go test ./reliability/ -run '^$' -fuzz FuzzX -fuzztime 2m
package reliability
