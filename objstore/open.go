package objstore

import (
	"context"
	"fmt"
	"net/url"
	"os"
	"strings"
)

// Open returns the store at location:
//
//   - a folder path (or file:///path): a [Disk] store;
//   - s3://BUCKET[/PREFIX][?endpoint=HOST:PORT&region=R&insecure=1&create=1]:
//     an [S3] store. The endpoint defaults to $AWS_ENDPOINT_URL_S3 or
//     $AWS_ENDPOINT_URL (a URL whose http scheme implies insecure), then
//     s3.amazonaws.com; credentials come from $AWS_ACCESS_KEY_ID,
//     $AWS_SECRET_ACCESS_KEY and $AWS_SESSION_TOKEN, the region from
//     $AWS_REGION.
func Open(ctx context.Context, location string) (Store, error) {
	if !strings.HasPrefix(location, "s3://") {
		dir := strings.TrimPrefix(location, "file://")
		if dir == "" {
			return nil, fmt.Errorf("objstore: empty store location: give a folder or s3://bucket/prefix")
		}
		return NewDisk(dir)
	}
	u, err := url.Parse(location)
	if err != nil {
		return nil, fmt.Errorf("objstore: store location %q: %w", location, err)
	}
	q := u.Query()
	cfg := S3Config{
		Bucket:       u.Host,
		Prefix:       strings.TrimPrefix(u.Path, "/"),
		Region:       first(q.Get("region"), os.Getenv("AWS_REGION"), os.Getenv("AWS_DEFAULT_REGION")),
		AccessKey:    os.Getenv("AWS_ACCESS_KEY_ID"),
		SecretKey:    os.Getenv("AWS_SECRET_ACCESS_KEY"),
		SessionToken: os.Getenv("AWS_SESSION_TOKEN"),
		CreateBucket: isTrue(q.Get("create")),
	}
	ep := first(q.Get("endpoint"), os.Getenv("AWS_ENDPOINT_URL_S3"), os.Getenv("AWS_ENDPOINT_URL"), "s3.amazonaws.com")
	if strings.HasPrefix(ep, "http://") {
		cfg.Insecure = true
	}
	if eu, err := url.Parse(ep); err == nil && eu.Host != "" {
		ep = eu.Host
	}
	cfg.Endpoint = ep
	if v := q.Get("insecure"); v != "" {
		cfg.Insecure = isTrue(v)
	}
	return NewS3(ctx, cfg)
}

func first(vals ...string) string {
	for _, v := range vals {
		if v != "" {
			return v
		}
	}
	return ""
}

func isTrue(v string) bool {
	switch strings.ToLower(v) {
	case "1", "true", "yes", "on":
		return true
	}
	return false
}
