package inference

// Shapes of hf-inference (and of custom URLs: TGI, dedicated endpoints).
var (
	// shapeHFInputs: {"inputs": …, "parameters": {…}} (spec §1.5).
	shapeHFInputs = &shape{build: buildHFInputs}
	// shapeHFFeatures: feature extraction puts its parameters at the root.
	shapeHFFeatures = &shape{build: func(c *Client, t *target, in *call) (*request, error) {
		m := params(in)
		m["inputs"] = in.inputs
		return jsonRequest(t, "", m, in.extra)
	}}
	// shapeHFBinary: raw bytes without Content-Type unless the caller named
	// a type; JSON with base64 inputs when there are parameters.
	shapeHFBinary     = &shape{build: buildHFBinary}
	shapeHFBinaryBlob = &shape{build: buildHFBinary, finish: finishBlob}
	shapeHFBlob       = &shape{build: buildHFInputs, finish: finishBlob}
	// shapeHFTextToImage: JSON in, image bytes out; extra goes into
	// parameters (spec §2.0).
	shapeHFTextToImage = &shape{build: func(c *Client, t *target, in *call) (*request, error) {
		p := params(in)
		for k, v := range in.extra {
			p[k] = v
		}
		r, err := jsonRequest(t, "", map[string]any{"inputs": in.inputs, "parameters": p}, nil)
		if err == nil {
			r.accept = "image/png"
		}
		return r, err
	}, finish: finishBlob}
	// shapeTGI: the TGI-native text-generation body.
	shapeTGI = &shape{build: func(c *Client, t *target, in *call) (*request, error) {
		return jsonRequest(t, "", map[string]any{"inputs": in.inputs, "parameters": params(in), "stream": in.stream}, in.extra)
	}}
)

func buildHFInputs(c *Client, t *target, in *call) (*request, error) {
	m := map[string]any{"parameters": params(in)}
	if in.inputs != nil {
		m["inputs"] = in.inputs
	}
	return jsonRequest(t, "", m, in.extra)
}

func buildHFBinary(c *Client, t *target, in *call) (*request, error) {
	m, err := needMedia(in)
	if err != nil && in.inputs == nil {
		return nil, err
	}
	if in.inputs == nil && len(in.params) == 0 && len(in.extra) == 0 && m.url == "" {
		return &request{url: t.url, body: m.data, contentType: m.contentType}, nil
	}
	inputs := in.inputs
	if inputs == nil {
		inputs = m.asInputs()
	}
	return jsonRequest(t, "", map[string]any{"inputs": inputs, "parameters": params(in)}, in.extra)
}
