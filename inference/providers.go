package inference

import (
	"slices"
	"strings"
)

// authStyle is how a provider's own key is sent on direct calls.
type authStyle int

const (
	authBearer authStyle = iota // Authorization: Bearer <key>
	authKey                     // Authorization: Key <key> (fal)
)

// rfStyle is how a provider wants an OpenAI json_schema response_format
// (spec §2.1).
type rfStyle int

const (
	rfPass             rfStyle = iota // unchanged
	rfJSONObjectValue                 // {"type":"json_object","value":schema} (hf-inference / TGI)
	rfJSONObjectSchema                // {"type":"json_object","schema":schema} (fireworks, cohere)
	rfJSONSchemaFlat                  // {"type":"json_schema","schema":schema} (together)
)

// route is one task of one provider: the path appended to the provider's
// base ({model} is the provider-side model id, {task} the task) and the
// shape that builds the body and reads the answer.
type route struct {
	path  string
	shape *shape
	queue bool // fal: sent to the queue (?_subdomain=queue when routed)
}

// provider is one row of the route table. Adding a provider is adding a row.
type provider struct {
	direct  string // direct base URL for provider keys; "" = router only
	queue   string // fal: the direct queue base
	auth    authStyle
	headers [][2]string // extra headers on every request
	rf      rfStyle
	removed bool // the router stopped serving it (2026-07-01); kept for decoding
	routes  map[Task]route
}

const chatV1 = "/v1/chat/completions"

func chatOnly(direct, path string) *provider {
	return &provider{direct: direct, routes: map[Task]route{TaskChat: {path: path, shape: shapeChat}}}
}

// providerTable is the route table of spec §1.4. hf-inference routes also
// serve the base-URL mode (a dedicated endpoint or a TGI server).
var providerTable = map[string]*provider{
	"hf-inference": {routes: hfInferenceRoutes(), rf: rfJSONObjectValue},
	"baseten":      chatOnly("https://inference.baseten.co", chatV1),
	"cerebras":     chatOnly("https://api.cerebras.ai", chatV1),
	"cohere": {direct: "https://api.cohere.com", rf: rfJSONObjectSchema, routes: map[Task]route{
		TaskChat: {path: "/compatibility/v1/chat/completions", shape: shapeChat}}},
	"deepinfra": {direct: "https://api.deepinfra.com", routes: map[Task]route{
		TaskChat:                       {path: "/v1/openai/chat/completions", shape: shapeChat},
		TaskTextGeneration:             {path: "/v1/openai/completions", shape: shapeCompletions},
		TaskFeatureExtraction:          {path: "/v1/openai/embeddings", shape: shapeEmbeddings},
		TaskAutomaticSpeechRecognition: {path: "/v1/openai/audio/transcriptions", shape: shapeMultipartASR},
		TaskTextToSpeech:               {path: "/v1/openai/audio/speech", shape: shapeSpeech},
	}},
	"fal-ai": {direct: "https://fal.run", queue: "https://queue.fal.run", auth: authKey, routes: map[Task]route{
		TaskAutomaticSpeechRecognition: {path: "/{model}", shape: shapeFalASR},
		TaskTextToImage:                {path: "/{model}", shape: shapeFalTextToImage},
		TaskTextToSpeech:               {path: "/{model}", shape: shapeFalTextToSpeech},
		TaskTextToVideo:                {path: "/{model}", shape: shapeFalTextToVideo, queue: true},
		TaskImageToVideo:               {path: "/{model}", shape: shapeFalImageToVideo, queue: true},
		TaskImageToImage:               {path: "/{model}", shape: shapeFalImageToImage, queue: true},
		TaskImageSegmentation:          {path: "/{model}", shape: shapeFalSegmentation, queue: true},
	}},
	"featherless-ai": {direct: "https://api.featherless.ai", routes: map[Task]route{
		TaskChat:           {path: chatV1, shape: shapeChat},
		TaskTextGeneration: {path: "/v1/completions", shape: shapeCompletions},
	}},
	"fireworks-ai": {direct: "https://api.fireworks.ai", rf: rfJSONObjectSchema, routes: map[Task]route{
		TaskChat: {path: "/inference/v1/chat/completions", shape: shapeChat}}},
	"groq": chatOnly("https://api.groq.com", "/openai/v1/chat/completions"),
	"novita": {direct: "https://api.novita.ai", routes: map[Task]route{
		TaskChat:           {path: "/v3/openai/chat/completions", shape: shapeChat},
		TaskTextGeneration: {path: "/v3/openai/completions", shape: shapeCompletions},
		TaskTextToVideo:    {path: "/v3/hf/{model}", shape: shapeNovitaVideo},
	}},
	"nscale": {direct: "https://inference.api.nscale.com", routes: map[Task]route{
		TaskChat:        {path: chatV1, shape: shapeChat},
		TaskTextToImage: {path: "/v1/images/generations", shape: shapeNscaleImage},
	}},
	"openai":   chatOnly("https://api.openai.com", chatV1),
	"ovhcloud": chatOnly("https://oai.endpoints.kepler.ai.cloud.ovh.net", chatV1),
	"publicai": chatOnly("https://api.publicai.co", chatV1),
	"replicate": {direct: "https://api.replicate.com", headers: [][2]string{{"Prefer", "wait"}}, routes: map[Task]route{
		TaskAutomaticSpeechRecognition: {path: replicatePath, shape: shapeReplicateASR},
		TaskImageToImage:               {path: replicatePath, shape: shapeReplicateImageToImage},
		TaskTextToImage:                {path: replicatePath, shape: shapeReplicateTextToImage},
		TaskTextToSpeech:               {path: replicatePath, shape: shapeReplicateTextToSpeech},
		TaskTextToVideo:                {path: replicatePath, shape: shapeReplicate},
	}},
	"scaleway": {direct: "https://api.scaleway.ai", routes: map[Task]route{
		TaskChat:              {path: chatV1, shape: shapeChat},
		TaskFeatureExtraction: {path: "/v1/embeddings", shape: shapeEmbeddings},
	}},
	"together": {direct: "https://api.together.xyz", rf: rfJSONSchemaFlat, routes: map[Task]route{
		TaskChat:              {path: chatV1, shape: shapeChat},
		TaskTextGeneration:    {path: "/v1/completions", shape: shapeCompletions},
		TaskFeatureExtraction: {path: "/v1/embeddings", shape: shapeEmbeddings},
		TaskTextToImage:       {path: "/v1/images/generations", shape: shapeTogetherImage},
		TaskImageToImage:      {path: "/v1/images/generations", shape: shapeTogetherImageToImage},
		TaskTextToSpeech:      {path: "/v1/audio/speech", shape: shapeSpeech},
		TaskTextToVideo:       {path: "/v2/videos", shape: shapeTogetherTextToVideo},
		TaskImageToVideo:      {path: "/v2/videos", shape: shapeTogetherImageToVideo},
	}},
	"wavespeed": {direct: "https://api.wavespeed.ai", routes: map[Task]route{
		TaskTextToImage:  {path: "/api/v3/{model}", shape: shapeWavespeedText},
		TaskTextToVideo:  {path: "/api/v3/{model}", shape: shapeWavespeedText},
		TaskImageToImage: {path: "/api/v3/{model}", shape: shapeWavespeedImage},
		TaskImageToVideo: {path: "/api/v3/{model}", shape: shapeWavespeedImage},
	}},
	"zai-org": {direct: "https://api.z.ai", headers: [][2]string{{"Accept-Language", "en-US,en"}, {"x-source-channel", "hugging_face"}}, routes: map[Task]route{
		TaskChat:        {path: "/api/paas/v4/chat/completions", shape: shapeChat},
		TaskTextToImage: {path: "/api/paas/v4/async/images/generations", shape: shapeZaiImage},
	}},

	// Removed from both official clients on 2026-07-01 (the router stopped
	// serving them); kept so their recordings decode and so an explicit
	// choice gets a clear error instead of "unknown provider".
	"sambanova": {direct: "https://api.sambanova.ai", removed: true, routes: map[Task]route{
		TaskChat: {path: chatV1, shape: shapeChat}, TaskFeatureExtraction: {path: "/v1/embeddings", shape: shapeEmbeddings}}},
	"hyperbolic": {direct: "https://api.hyperbolic.xyz", removed: true, routes: map[Task]route{
		TaskChat: {path: chatV1, shape: shapeChat}}},
	"nebius": {direct: "https://api.studio.nebius.ai", removed: true, routes: map[Task]route{
		TaskChat: {path: chatV1, shape: shapeChat}, TaskTextGeneration: {path: "/v1/completions", shape: shapeCompletions},
		TaskFeatureExtraction: {path: "/v1/embeddings", shape: shapeEmbeddings},
		TaskTextToImage:       {path: "/v1/images/generations", shape: shapeB64JSONImage}}},
}

// replicatePath is a marker: the path depends on the model id (a version
// hash after ':' posts to /v1/predictions).
const replicatePath = "{replicate}"

func hfInferenceRoutes() map[Task]route {
	r := map[Task]route{
		TaskChat:               {path: "/models/{model}/v1/chat/completions", shape: shapeChat},
		TaskTextGeneration:     {path: "/models/{model}", shape: shapeTGI},
		TaskFeatureExtraction:  {path: "/models/{model}/pipeline/{task}", shape: shapeHFFeatures},
		TaskSentenceSimilarity: {path: "/models/{model}/pipeline/{task}", shape: shapeHFInputs},
		TaskTextToImage:        {path: "/models/{model}", shape: shapeHFTextToImage},
		TaskTextToSpeech:       {path: "/models/{model}", shape: shapeHFBlob},
	}
	for _, t := range []Task{TaskTextClassification, TaskTokenClassification, TaskZeroShotClassification,
		TaskFillMask, TaskQuestionAnswering, TaskTableQuestionAnswering, TaskDocumentQuestionAnswering,
		TaskSummarization, TaskTranslation, TaskTabularClassification, TaskTabularRegression} {
		r[t] = route{path: "/models/{model}", shape: shapeHFInputs}
	}
	for _, t := range []Task{TaskAudioClassification, TaskAutomaticSpeechRecognition, TaskImageClassification,
		TaskImageSegmentation, TaskImageToText, TaskObjectDetection, TaskAudioToAudio,
		TaskZeroShotImageClassification, TaskVisualQuestionAnswering} {
		r[t] = route{path: "/models/{model}", shape: shapeHFBinary}
	}
	r[TaskImageToImage] = route{path: "/models/{model}", shape: shapeHFBinaryBlob}
	return r
}

// Providers returns the ids of the providers the client can call (removed
// ones excluded), sorted.
func Providers() []string {
	var ids []string
	for id, p := range providerTable {
		if !p.removed {
			ids = append(ids, id)
		}
	}
	slices.Sort(ids)
	return ids
}

// ProviderTasks returns the tasks a provider serves, sorted; nil for an
// unknown provider.
func ProviderTasks(provider string) []Task {
	p, ok := providerTable[provider]
	if !ok {
		return nil
	}
	var ts []Task
	for t := range p.routes {
		ts = append(ts, t)
	}
	slices.Sort(ts)
	return ts
}

// expandPath fills a route template.
func expandPath(path, model string, task Task) string {
	if path == replicatePath {
		if strings.Contains(model, ":") {
			return "/v1/predictions"
		}
		return "/v1/models/" + model + "/predictions"
	}
	path = strings.ReplaceAll(path, "{model}", model)
	return strings.ReplaceAll(path, "{task}", string(task))
}
