package hfhub

import (
	"time"

	"github.com/hfhub-go/hfhub/cache"
	"github.com/hfhub-go/hfhub/lfs"
)

// Version is the version of this library, sent in the User-Agent header.
const Version = "0.1.0"

// Default values and well-known names, matching huggingface_hub's constants
// module (spec §8.1).
const (
	// DefaultEndpoint is the Hub used when HF_ENDPOINT is not set.
	DefaultEndpoint = "https://huggingface.co"
	// StagingEndpoint is used when HUGGINGFACE_CO_STAGING is true.
	StagingEndpoint = "https://hub-ci.huggingface.co"
	// DefaultRevision is the branch used when no revision is given.
	DefaultRevision = "main"

	// ConfigName is the model configuration file.
	ConfigName = "config.json"
	// RepoCardName is the repository card (model or dataset card).
	RepoCardName = "README.md"
	// PytorchWeightsName is the single-file PyTorch weights name.
	PytorchWeightsName = "pytorch_model.bin"
	// PytorchWeightsIndexName is the index of sharded PyTorch weights.
	PytorchWeightsIndexName = "pytorch_model.bin.index.json"
	// SafetensorsSingleFile is the single-file safetensors weights name.
	SafetensorsSingleFile = "model.safetensors"
	// SafetensorsIndexFile is the index of sharded safetensors weights.
	SafetensorsIndexFile = "model.safetensors.index.json"
	// TF2WeightsName is the TensorFlow 2 weights file.
	TF2WeightsName = "tf_model.h5"
	// TFWeightsName is the TensorFlow 1 checkpoint name.
	TFWeightsName = "model.ckpt"
	// FlaxWeightsName is the Flax weights file.
	FlaxWeightsName = "flax_model.msgpack"
	// TokenizerConfigName is the tokenizer configuration file.
	TokenizerConfigName = "tokenizer_config.json"
	// TokenizerName is the fast-tokenizer file.
	TokenizerName = "tokenizer.json"
	// GenerationConfigName is the generation configuration file.
	GenerationConfigName = "generation_config.json"
	// GitattributesName is the git attributes file present in every repo.
	GitattributesName = ".gitattributes"
	// EvalResultsFolder holds evaluation results in a repo.
	EvalResultsFolder = ".eval_results"
	// DefaultMaxShardSize is the default maximum shard size ("5GB").
	DefaultMaxShardSize = "5GB"

	// SafetensorsMaxHeaderLength bounds the JSON header of a safetensors file.
	SafetensorsMaxHeaderLength = 25_000_000

	// DefaultEtagTimeout is the metadata HEAD timeout (HF_HUB_ETAG_TIMEOUT).
	DefaultEtagTimeout = 10 * time.Second
	// DefaultDownloadTimeout is the download read timeout (HF_HUB_DOWNLOAD_TIMEOUT).
	DefaultDownloadTimeout = 10 * time.Second
	// DefaultRequestTimeout is the default timeout of other requests.
	DefaultRequestTimeout = 10 * time.Second
	// RetryMetadataTimeout is the timeout of the fallback metadata HEAD.
	RetryMetadataTimeout = 60 * time.Second

	// DownloadChunkSize is the read size of downloads (10 MiB).
	DownloadChunkSize = 10 * 1024 * 1024
	// MaxHTTPDownloadSize is the largest file downloaded over plain HTTP.
	MaxHTTPDownloadSize = 50_000_000_000
	// PreuploadChunkSize is the number of files per preupload request.
	PreuploadChunkSize = 256
	// LFSBatchChunkSize is the number of objects per LFS batch request.
	LFSBatchChunkSize = 256
	// PathsInfoChunkSize is the number of paths per paths-info request.
	PathsInfoChunkSize = 500
	// LFSSampleSize is the number of leading bytes sent as an upload sample.
	LFSSampleSize = lfs.SampleSize
	// FilelockLogEvery is how often a waiter for a file lock logs.
	FilelockLogEvery = 10 * time.Second
	// RepoIDSeparator joins the parts of a repo id in cache folder names.
	RepoIDSeparator = cache.RepoIDSeparator

	// DatasetsServerEndpoint is the dataset viewer API.
	DatasetsServerEndpoint = "https://datasets-server.huggingface.co"
	// HFProtocol is the scheme of hf:// URIs.
	HFProtocol = "hf://"
	// DeviceCodeOAuthClientID is the default OAuth client of device-code login.
	DeviceCodeOAuthClientID = "26be6b09-91c5-47da-9861-d2d2bb7a7e36"
)

// Header names the Hub uses (spec §8.1, §1.6).
const (
	HeaderRepoCommit         = "X-Repo-Commit"
	HeaderLinkedEtag         = "X-Linked-Etag"
	HeaderLinkedSize         = "X-Linked-Size"
	HeaderBillTo             = "X-HF-Bill-To"
	HeaderXetCasURL          = "X-Xet-Cas-Url"
	HeaderXetAccessToken     = "X-Xet-Access-Token"
	HeaderXetTokenExpiration = "X-Xet-Token-Expiration"
	HeaderXetHash            = "X-Xet-Hash"
	HeaderXetRefreshRoute    = "X-Xet-Refresh-Route"
	HeaderErrorCode          = "X-Error-Code"
	HeaderErrorMessage       = "X-Error-Message"
	HeaderRequestID          = "X-Request-Id"
	HeaderTraceID            = "X-Amzn-Trace-Id"
	HeaderTotalCount         = "X-Total-Count"
	HeaderHFWarning          = "X-HF-Warning"
	HeaderRateLimit          = "RateLimit"
	HeaderRateLimitPolicy    = "RateLimit-Policy"
	// LinkRelXetAuth is the Link relation of the Xet token refresh URL.
	LinkRelXetAuth = "xet-auth"
)

// SpacesSDKTypes lists the SDKs a Space can use.
var SpacesSDKTypes = []string{"gradio", "streamlit", "docker", "static"}
