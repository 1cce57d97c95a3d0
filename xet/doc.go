// Package xet implements the storage-format core of the Hugging Face Xet
// protocol: the 32-byte hash and its "Xet hex" text form, keyed BLAKE3 chunk,
// merkle, file and verification hashes, the gearhash content-defined chunker,
// chunk headers with the three compression schemes (none, LZ4 frame, BG4+LZ4),
// streaming xorb decoding into a caller's buffer, xorb building, and the JSON
// types of the CAS reconstruction API with the server-side range computation.
//
// The package knows nothing about the Hub or HTTP; the client (package hfhub)
// and the server (package server) build on it. Every function that reads
// bytes from the network returns a typed error ([*FormatError]) instead of
// panicking on malformed input.
//
// Conventions follow the protocol: chunk index ranges are end-exclusive
// ([ChunkRange]); byte ranges in reconstruction answers are end-inclusive
// ([ByteRange]); all binary integers are little-endian.
package xet
