package server

import (
	"strings"
)

// ggufApps run GGUF files (the Hub shows them for models with a GGUF file).
var ggufApps = map[string]bool{
	"llama.cpp": true, "node-llama-cpp": true, "lmstudio": true, "localai": true, "jan": true,
	"nidum": true, "backyard": true, "sanctum": true, "jellybox": true, "msty": true,
	"recursechat": true, "ollama": true, "docker-model-runner": true, "lemonade": true,
}

// supportsApp reports whether the local app (the apps= filter) can run the
// model, with the rules of the Hub's "Use this model" menu: GGUF files for
// the llama.cpp family, MLX for LM Studio and mlx-lm, transformers or
// quantized text generation for vLLM, diffusers text-to-image for the image
// apps.
func supportsApp(app string, it *listItem, tags map[string]bool) bool {
	if it.info.Type != "model" {
		return false
	}
	gguf := false
	for _, f := range it.head.Files() {
		if strings.HasSuffix(f.Path, ".gguf") {
			gguf = true
			break
		}
	}
	pipeline := stringOr(it.entry["pipeline_tag"], "")
	library := stringOr(it.entry["library_name"], "")
	diffusersImage := library == "diffusers" && (pipeline == "text-to-image" || tags["lora"])
	switch app {
	case "vllm", "sglang":
		quant := ""
		if cfg, ok := it.entry["config"].(map[string]any); ok {
			if qc, ok := cfg["quantization_config"].(map[string]any); ok {
				quant = stringOr(qc["quant_method"], "")
			}
		}
		supported := gguf || tags["transformers"] || library == "transformers" ||
			quant == "awq" || quant == "gptq" || quant == "aqlm" || quant == "marlin"
		return supported && (pipeline == "text-generation" || pipeline == "image-text-to-text")
	case "tgi":
		return tags["text-generation-inference"]
	case "lmstudio":
		return gguf || tags["mlx"]
	case "mlx-lm":
		return tags["mlx"] && (pipeline == "text-generation" || pipeline == "image-text-to-text")
	case "jellybox":
		return gguf || (diffusersImage && tags["safetensors"])
	case "drawthings":
		return diffusersImage
	case "diffusionbee", "invoke":
		return library == "diffusers" && pipeline == "text-to-image"
	case "joyfusion":
		return tags["coreml"] && tags["joyfusion"] && pipeline == "text-to-image"
	}
	return ggufApps[app] && gguf
}
