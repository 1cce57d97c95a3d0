// Package objstore is the storage a mirror keeps blobs and metadata in: a
// flat namespace of immutable-once-written objects named by slash-separated
// keys, with ranged reads.
//
// Two implementations share the [Store] interface:
//
//   - [Disk] keeps objects as files under one folder; writes go to a
//     temporary file beside the target, are synced and renamed into place.
//   - [S3] keeps them in a bucket of any S3-compatible object store (AWS S3,
//     MinIO, SeaweedFS, Ceph, R2, ...), so several stateless mirror instances
//     behind a load balancer can share one store.
//
// [Open] picks one from a location string: a folder path, or
// s3://bucket/prefix?endpoint=host:port.
//
// Every write is atomic: a reader sees the old object or the complete new
// one, never a part. Stores are safe for concurrent use.
package objstore
