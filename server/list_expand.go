package server

import (
	"slices"
	"strconv"
	"strings"

	"github.com/hfhub-go/hfhub/store"
)

// expandable lists the properties expand / expand[] may name per repo
// type: those of huggingface_hub (1.3 and 1.28) and huggingface.js, plus
// xetEnabled and gitalyUid, which the Hub still accepts.
var expandable = map[store.RepoType][]string{
	store.Model: {"author", "baseModels", "cardData", "childrenModelCount", "config", "createdAt", "disabled",
		"downloads", "downloadsAllTime", "evalResults", "gated", "gguf", "gitalyUid", "inference",
		"inferenceProviderMapping", "lastModified", "library_name", "likes", "mask_token", "model-index",
		"pipeline_tag", "private", "resourceGroup", "safetensors", "sha", "siblings", "spaces", "tags",
		"transformersInfo", "trendingScore", "usedStorage", "widgetData", "xetEnabled"},
	store.Dataset: {"author", "cardData", "citation", "createdAt", "description", "disabled", "downloads",
		"downloadsAllTime", "gated", "gitalyUid", "lastModified", "likes", "mainSize", "paperswithcode_id",
		"private", "resourceGroup", "sha", "siblings", "tags", "trendingScore", "usedStorage", "xetEnabled"},
	store.Space: {"author", "cardData", "createdAt", "datasets", "disabled", "gitalyUid", "lastModified",
		"likes", "models", "private", "region", "resourceGroup", "runtime", "sdk", "sha", "siblings",
		"subdomain", "tags", "trendingScore", "usedStorage", "xetEnabled"},
}

// checkExpand returns the Hub's 400 message for an expand value that is
// not a property of t, or "".
func checkExpand(t store.RepoType, keys []string) string {
	allowed, ok := expandable[t]
	if !ok {
		return ""
	}
	for i, k := range keys {
		if !slices.Contains(allowed, k) {
			return `"expand[` + strconv.Itoa(i) + `]" must be one of [` + strings.Join(allowed, ", ") + `]: "` + k + `" is not a property of ` + t.Plural()
		}
	}
	return ""
}
