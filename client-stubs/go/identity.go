package client

import (
	"context"
	"strings"

	"keygate.dev/client/keygatev1"
)

type identityKey struct{}

// Identity is keygate's decision (key id, project, granted scopes) for the key that made the
// request, as the guards put it in the handler's context. ok is false on public methods and
// routes, which check no key.
func Identity(ctx context.Context) (decision *keygatev1.CheckResponse, ok bool) {
	decision, ok = ctx.Value(identityKey{}).(*keygatev1.CheckResponse)
	return decision, ok
}

func withIdentity(ctx context.Context, decision *keygatev1.CheckResponse) context.Context {
	return context.WithValue(ctx, identityKey{}, decision)
}

// presentedKey is the key in "authorization: Bearer <key>", else "x-api-key"; empty if none.
func presentedKey(authorization, apiKey string) string {
	const bearer = "bearer "
	if len(authorization) >= len(bearer) && strings.EqualFold(authorization[:len(bearer)], bearer) {
		if token := strings.TrimSpace(authorization[len(bearer):]); token != "" {
			return token
		}
	}
	return strings.TrimSpace(apiKey)
}
