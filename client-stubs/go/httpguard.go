package client

import (
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strconv"

	"google.golang.org/grpc/codes"
)

// HTTPGuard protects net/http routes with keygate:
//
//	guard, err := client.NewHTTPGuard(kg, client.Routes{
//		"GET /tasks": {"tasks:read"},
//		"/tasks/*":   {"tasks:write"}, // any method, /tasks and everything below it
//	}, "GET /healthz")
//	http.ListenAndServe(":8080", guard.Middleware(mux))
//
// The key comes from "Authorization: Bearer <key>", else "X-Api-Key". Public routes pass without
// a key; a route matching no pattern is denied (403 ROUTE_UNMAPPED, fail closed). Denials are
// JSON {"error": {"status", "reason", "message"}}: 401 with WWW-Authenticate, 403, 429 with
// Retry-After, and 503 when keygate cannot be reached or answers anything else: never allowed.
// A handler reads the decision with Identity(r.Context()).
type HTTPGuard struct {
	client *Client
	scopes Routes
	routes routeTable
	public routeTable
}

// NewHTTPGuard checks the patterns; a malformed one is an error.
func NewHTTPGuard(c *Client, routes Routes, public ...string) (*HTTPGuard, error) {
	g := &HTTPGuard{client: c, scopes: Routes{}}
	patterns := make([]string, 0, len(routes))
	for pattern, s := range routes {
		g.scopes[pattern] = append([]string(nil), s...)
		patterns = append(patterns, pattern)
	}
	var err error
	if g.routes, err = newRouteTable(patterns); err != nil {
		return nil, err
	}
	if g.public, err = newRouteTable(public); err != nil {
		return nil, err
	}
	return g, nil
}

// Middleware wraps next so that only requests the guard allows reach it.
func (g *HTTPGuard) Middleware(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if len(g.public.match(r.Method, r.URL.Path)) > 0 {
			next.ServeHTTP(w, r)
			return
		}
		matched := g.routes.match(r.Method, r.URL.Path)
		if len(matched) == 0 {
			writeDenial(w, http.StatusForbidden, "ROUTE_UNMAPPED",
				fmt.Sprintf("%s %s is not mapped to keygate scopes", r.Method, r.URL.Path))
			return
		}
		key := presentedKey(r.Header.Get("Authorization"), r.Header.Get("X-Api-Key"))
		decision, err := g.client.Authorize(r.Context(), key, g.scopes[matched[0]]...)
		if err != nil {
			deny(w, err)
			return
		}
		next.ServeHTTP(w, r.WithContext(withIdentity(r.Context(), decision)))
	})
}

// deny writes keygate's refusal: 401 with a Bearer challenge, 403, 429 with Retry-After (whole
// seconds, rounded up so a client never retries early), else 503 (fail closed).
func deny(w http.ResponseWriter, err error) {
	var e *Error
	if !errors.As(err, &e) {
		e = FromError(err)
	}
	switch e.Code {
	case codes.Unauthenticated:
		challenge := `Bearer realm="keygate"`
		if e.Reason != "KEY_MISSING" { // RFC 6750: no error code when no key was sent at all
			challenge += `, error="invalid_token"`
		}
		w.Header().Set("WWW-Authenticate", challenge)
		writeDenial(w, http.StatusUnauthorized, e.Reason, e.Message)
	case codes.PermissionDenied:
		writeDenial(w, http.StatusForbidden, e.Reason, e.Message)
	case codes.ResourceExhausted:
		if e.RetryAfter > 0 {
			seconds := int64((e.RetryAfter + 999_999_999) / 1_000_000_000)
			w.Header().Set("Retry-After", strconv.FormatInt(seconds, 10))
		}
		writeDenial(w, http.StatusTooManyRequests, e.Reason, e.Message)
	default:
		w.Header().Set("Retry-After", "1")
		writeDenial(w, http.StatusServiceUnavailable, e.Reason, "keygate could not decide this request")
	}
}

func writeDenial(w http.ResponseWriter, status int, reason, message string) {
	body, _ := json.Marshal(map[string]map[string]interface{}{
		"error": {"status": status, "reason": reason, "message": message}})
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Content-Length", strconv.Itoa(len(body)))
	w.WriteHeader(status)
	_, _ = w.Write(body)
}
