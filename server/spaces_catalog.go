package server

import "strconv"

// hardwareFlavor is one entry of GET /api/spaces/hardware and
// /api/jobs/hardware (the Hub's shape; prices are this simulator's).
type hardwareFlavor struct {
	Name             string       `json:"name"`
	PrettyName       string       `json:"prettyName"`
	CPU              string       `json:"cpu"`
	RAM              string       `json:"ram"`
	EphemeralStorage string       `json:"ephemeralStorage"`
	Accelerator      *accelerator `json:"accelerator"`
	UnitCostMicroUSD int64        `json:"unitCostMicroUSD"`
	UnitCostUSD      float64      `json:"unitCostUSD"`
	UnitLabel        string       `json:"unitLabel"`
}

type accelerator struct {
	Type         string `json:"type"`
	Model        string `json:"model"`
	Quantity     string `json:"quantity"`
	VRAM         string `json:"vram"`
	Manufacturer string `json:"manufacturer"`
}

func flavor(name, pretty, cpu, ram, disk string, micro int64, acc *accelerator) hardwareFlavor {
	return hardwareFlavor{name, pretty, cpu, ram, disk, acc, micro, float64(micro) / 1e6, "minute"}
}

func gpu(model, qty, vram string) *accelerator {
	return &accelerator{Type: "gpu", Model: model, Quantity: qty, VRAM: vram, Manufacturer: "Nvidia"}
}

// hardwareFlavors are the flavors the simulator accepts, in the Hub's
// order (names from the Hub's SpaceHardware list).
var hardwareFlavors = []hardwareFlavor{
	flavor("cpu-basic", "CPU Basic", "2 vCPU", "16 GB", "50 GB", 0, nil),
	flavor("cpu-upgrade", "CPU Upgrade", "8 vCPU", "32 GB", "50 GB", 500, nil),
	flavor("zero-a10g", "ZeroGPU", "2 vCPU", "16 GB", "50 GB", 0, gpu("A10G", "1", "24 GB")),
	flavor("t4-small", "Nvidia T4 - small", "4 vCPU", "15 GB", "50 GB", 6667, gpu("T4", "1", "16 GB")),
	flavor("t4-medium", "Nvidia T4 - medium", "8 vCPU", "30 GB", "100 GB", 10000, gpu("T4", "1", "16 GB")),
	flavor("l4x1", "1x Nvidia L4", "8 vCPU", "30 GB", "400 GB", 13333, gpu("L4", "1", "24 GB")),
	flavor("l4x4", "4x Nvidia L4", "48 vCPU", "186 GB", "3200 GB", 63333, gpu("L4", "4", "96 GB")),
	flavor("l40sx1", "1x Nvidia L40S", "8 vCPU", "62 GB", "380 GB", 30000, gpu("L40S", "1", "48 GB")),
	flavor("l40sx4", "4x Nvidia L40S", "48 vCPU", "382 GB", "3200 GB", 138333, gpu("L40S", "4", "192 GB")),
	flavor("l40sx8", "8x Nvidia L40S", "192 vCPU", "1534 GB", "6500 GB", 391667, gpu("L40S", "8", "384 GB")),
	flavor("a10g-small", "Nvidia A10G - small", "4 vCPU", "15 GB", "110 GB", 16667, gpu("A10G", "1", "24 GB")),
	flavor("a10g-large", "Nvidia A10G - large", "12 vCPU", "46 GB", "200 GB", 25000, gpu("A10G", "1", "24 GB")),
	flavor("a10g-largex2", "2x Nvidia A10G - large", "24 vCPU", "92 GB", "1000 GB", 50000, gpu("A10G", "2", "48 GB")),
	flavor("a10g-largex4", "4x Nvidia A10G - large", "48 vCPU", "184 GB", "2000 GB", 83333, gpu("A10G", "4", "96 GB")),
	flavor("a100-large", "Nvidia A100 - large", "12 vCPU", "142 GB", "1000 GB", 41667, gpu("A100", "1", "80 GB")),
	flavor("a100x4", "4x Nvidia A100", "48 vCPU", "568 GB", "4000 GB", 166667, gpu("A100", "4", "320 GB")),
	flavor("a100x8", "8x Nvidia A100", "96 vCPU", "1136 GB", "8000 GB", 333333, gpu("A100", "8", "640 GB")),
}

func knownFlavor(name string) bool {
	for _, f := range hardwareFlavors {
		if f.Name == name {
			return true
		}
	}
	return false
}

func flavorNames() []string {
	out := make([]string, len(hardwareFlavors))
	for i, f := range hardwareFlavors {
		out[i] = f.Name
	}
	return out
}

// spaceTemplate is one entry of GET /api/spaces/templates.
type spaceTemplate struct {
	Name             string `json:"name"`
	RepoID           string `json:"repoId"`
	SDK              string `json:"sdk"`
	PreferredPrivate bool   `json:"preferredPrivate"`
}

var spaceTemplates = []spaceTemplate{
	{"Streamlit", "streamlit/streamlit-template-space", "docker", false},
	{"JupyterLab", "SpacesExamples/jupyterlab", "docker", true},
	{"Gradio chatbot", "gradio-templates/chatbot", "gradio", false},
	{"Static HTML", "static-templates/blank", "static", false},
}

func quoteJS(s string) string { return strconv.Quote(s) }

func itoa(i int) string { return strconv.Itoa(i) }
