package server

import (
	"crypto/sha1"
	"encoding/hex"
	"net/http"
)

// handleWhoami serves GET /api/whoami-v2 for the token's user.
func (s *Server) handleWhoami(w http.ResponseWriter, r *http.Request) {
	user, ok := s.authenticate(w, r)
	if !ok {
		return
	}
	if user == nil {
		writeError(w, r, http.StatusUnauthorized, "", msgInvalidAuth)
		return
	}
	sum := sha1.Sum([]byte("user/" + user.Name))
	writeJSON(w, r, map[string]any{
		"type":          "user",
		"id":            hex.EncodeToString(sum[:12]),
		"name":          user.Name,
		"fullname":      user.Name,
		"email":         nil,
		"emailVerified": false,
		"canPay":        false,
		"isPro":         false,
		"periodEnd":     nil,
		"avatarUrl":     "",
		"orgs":          []any{},
		"auth": map[string]any{
			"type": "access_token",
			"accessToken": map[string]any{
				"displayName": user.Name + "-token",
				"role":        user.Role.String(),
				"createdAt":   "1970-01-01T00:00:00.000Z",
			},
		},
	})
}
