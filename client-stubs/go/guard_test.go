package client

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"testing"
	"time"

	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/metadata"
	"google.golang.org/protobuf/types/known/wrapperspb"
)

// The guards end to end: GRPCGuard on a real grpc-go server and HTTPGuard on a real net/http
// server, both on loopback ports, deciding with the real keygate (TestMain); a second pair whose
// keygate is unreachable shows they fail closed.

// whoami answers with the identity the guard put in the handler's context.
func whoami(ctx context.Context) string {
	if d, ok := Identity(ctx); ok {
		return d.KeyId + "@" + d.Project
	}
	return "nobody"
}

var demoService = grpc.ServiceDesc{
	ServiceName: "demo.Tasks",
	HandlerType: (*interface{})(nil),
	Methods: []grpc.MethodDesc{
		{MethodName: "Whoami", Handler: unaryWhoami},
		{MethodName: "Delete", Handler: unaryWhoami},
		{MethodName: "Unmapped", Handler: unaryWhoami},
		{MethodName: "Health", Handler: unaryWhoami},
	},
	Streams: []grpc.StreamDesc{{StreamName: "Watch", ServerStreams: true,
		Handler: func(_ interface{}, stream grpc.ServerStream) error {
			in := new(wrapperspb.StringValue)
			if err := stream.RecvMsg(in); err != nil {
				return err
			}
			return stream.SendMsg(wrapperspb.String(whoami(stream.Context())))
		}}},
}

func unaryWhoami(_ interface{}, ctx context.Context, dec func(interface{}) error,
	interceptor grpc.UnaryServerInterceptor) (interface{}, error) {
	in := new(wrapperspb.StringValue)
	if err := dec(in); err != nil {
		return nil, err
	}
	handler := func(ctx context.Context, _ interface{}) (interface{}, error) {
		return wrapperspb.String(whoami(ctx)), nil
	}
	return interceptor(ctx, in, &grpc.UnaryServerInfo{FullMethod: "/demo.Tasks/" + methodOf(ctx)}, handler)
}

// methodOf is the called method's name, from the server's stream in the context.
func methodOf(ctx context.Context) string {
	full, _ := grpc.Method(ctx)
	return full[strings.LastIndex(full, "/")+1:]
}

// guardedGRPC starts the demo service behind a GRPCGuard for kg and returns a connection to it.
func guardedGRPC(t *testing.T, kg *Client) *grpc.ClientConn {
	guard := NewGRPCGuard(kg, map[string][]string{
		"/demo.Tasks/Whoami": {"tasks:read"},
		"/demo.Tasks/Watch":  {"tasks:read"},
		"/demo.Tasks/Delete": {"tasks:delete"},
	}, "/demo.Tasks/Health")
	server := grpc.NewServer(grpc.UnaryInterceptor(guard.Unary), grpc.StreamInterceptor(guard.Stream))
	server.RegisterService(&demoService, nil)
	lis, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	go func() { _ = server.Serve(lis) }()
	conn, err := grpc.Dial(lis.Addr().String(), grpc.WithInsecure())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { conn.Close(); server.Stop() })
	return conn
}

func downClient(t *testing.T) *Client {
	kg, err := New("127.0.0.1:1") // nothing listens on port 1
	if err != nil {
		t.Fatal(err)
	}
	kg.Timeout = 5 * time.Second
	t.Cleanup(func() { kg.Close() })
	return kg
}

func callGRPC(conn *grpc.ClientConn, method string, md ...string) (string, error) {
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	ctx = metadata.AppendToOutgoingContext(ctx, md...)
	out := new(wrapperspb.StringValue)
	err := conn.Invoke(ctx, "/demo.Tasks/"+method, wrapperspb.String("ping"), out)
	return out.GetValue(), err
}

func TestGRPCGuard_allowedKeyReachesHandlerWithIdentity(t *testing.T) {
	kg := newClient(t)
	created := createKey(t, kg, 0, "tasks:read")
	got, err := callGRPC(guardedGRPC(t, kg), "Whoami", "authorization", "Bearer "+created.Secret)
	if want := created.Key.Id + "@" + created.Key.Project; err != nil || got != want {
		t.Fatalf("want %q, got %q %v", want, got, err)
	}
}

func TestGRPCGuard_streamHandlerSeesIdentity(t *testing.T) {
	kg := newClient(t)
	created := createKey(t, kg, 0, "tasks:read")
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	ctx = metadata.AppendToOutgoingContext(ctx, "x-api-key", created.Secret)
	stream, err := guardedGRPC(t, kg).NewStream(ctx, &demoService.Streams[0], "/demo.Tasks/Watch")
	if err != nil {
		t.Fatal(err)
	}
	if err := stream.SendMsg(wrapperspb.String("ping")); err != nil {
		t.Fatal(err)
	}
	_ = stream.CloseSend()
	out := new(wrapperspb.StringValue)
	if err := stream.RecvMsg(out); err != nil || out.GetValue() != created.Key.Id+"@"+created.Key.Project {
		t.Fatalf("want the identity, got %q %v", out.GetValue(), err)
	}
}

func TestGRPCGuard_noKeyIsUnauthenticatedWithKeygateDetails(t *testing.T) {
	_, err := callGRPC(guardedGRPC(t, newClient(t)), "Whoami")
	denial(t, FromError(err), codes.Unauthenticated, "KEY_MISSING", 401)
}

func TestGRPCGuard_missingScopeIsPermissionDenied(t *testing.T) {
	kg := newClient(t)
	created := createKey(t, kg, 0, "tasks:read")
	_, err := callGRPC(guardedGRPC(t, kg), "Delete", "authorization", "Bearer "+created.Secret)
	denial(t, FromError(err), codes.PermissionDenied, "SCOPE_MISSING", 403)
}

func TestGRPCGuard_rateLimitedIsResourceExhaustedWithRetryInfo(t *testing.T) {
	kg := newClient(t)
	conn := guardedGRPC(t, kg)
	created := createKey(t, kg, 1, "tasks:read")
	if _, err := callGRPC(conn, "Whoami", "authorization", "Bearer "+created.Secret); err != nil {
		t.Fatal(err)
	}
	_, err := callGRPC(conn, "Whoami", "authorization", "Bearer "+created.Secret)
	if e := denial(t, FromError(err), codes.ResourceExhausted, "RATE_LIMITED", 429); e.RetryAfter <= 0 {
		t.Fatalf("want RetryInfo, got %v", e.RetryAfter)
	}
}

func TestGRPCGuard_keygateDownIsUnavailable(t *testing.T) {
	_, err := callGRPC(guardedGRPC(t, downClient(t)), "Whoami", "authorization", "Bearer kg_live_x")
	denial(t, FromError(err), codes.Unavailable, "UNAVAILABLE", 503)
}

func TestGRPCGuard_unmappedMethodIsDenied(t *testing.T) {
	kg := newClient(t)
	created := createKey(t, kg, 0, "tasks:read", "tasks:delete")
	_, err := callGRPC(guardedGRPC(t, kg), "Unmapped", "authorization", "Bearer "+created.Secret)
	denial(t, FromError(err), codes.PermissionDenied, "PERMISSION_DENIED", 403)
}

func TestGRPCGuard_publicMethodNeedsNoKeyAndHasNoIdentity(t *testing.T) {
	got, err := callGRPC(guardedGRPC(t, downClient(t)), "Health")
	if err != nil || got != "nobody" {
		t.Fatalf("want nobody, got %q %v", got, err)
	}
}

// guardedHTTP serves a small mux behind an HTTPGuard for kg on a loopback port.
func guardedHTTP(t *testing.T, kg *Client) *httptest.Server {
	mux := http.NewServeMux()
	mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		fmt.Fprint(w, whoami(r.Context()))
	})
	guard, err := NewHTTPGuard(kg, Routes{"GET /tasks": {"tasks:read"}, "DELETE /tasks/*": {"tasks:delete"}},
		"GET /healthz")
	if err != nil {
		t.Fatal(err)
	}
	server := httptest.NewServer(guard.Middleware(mux))
	t.Cleanup(server.Close)
	return server
}

type httpAnswer struct {
	status int
	header http.Header
	body   string
	reason string
}

func callHTTP(t *testing.T, server *httptest.Server, method, path string, header ...string) httpAnswer {
	req, err := http.NewRequest(method, server.URL+path, nil)
	if err != nil {
		t.Fatal(err)
	}
	for i := 0; i+1 < len(header); i += 2 {
		req.Header.Set(header[i], header[i+1])
	}
	client := &http.Client{Timeout: 30 * time.Second}
	resp, err := client.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	var denied struct{ Error struct{ Reason string } }
	_ = json.Unmarshal(body, &denied)
	return httpAnswer{resp.StatusCode, resp.Header, string(body), denied.Error.Reason}
}

func TestHTTPGuard_allowedKeyReachesHandlerWithIdentity(t *testing.T) {
	kg := newClient(t)
	created := createKey(t, kg, 0, "tasks:read")
	a := callHTTP(t, guardedHTTP(t, kg), "GET", "/tasks", "Authorization", "Bearer "+created.Secret)
	if want := created.Key.Id + "@" + created.Key.Project; a.status != 200 || a.body != want {
		t.Fatalf("want 200 %q, got %d %q", want, a.status, a.body)
	}
}

func TestHTTPGuard_xApiKeyHeaderIsAccepted(t *testing.T) {
	kg := newClient(t)
	created := createKey(t, kg, 0, "tasks:delete")
	if a := callHTTP(t, guardedHTTP(t, kg), "DELETE", "/tasks/7", "X-Api-Key", created.Secret); a.status != 200 {
		t.Fatalf("want 200, got %d %s", a.status, a.body)
	}
}

func TestHTTPGuard_noKeyIs401WithBearerChallenge(t *testing.T) {
	a := callHTTP(t, guardedHTTP(t, newClient(t)), "GET", "/tasks")
	if a.status != 401 || a.reason != "KEY_MISSING" || a.header.Get("WWW-Authenticate") != `Bearer realm="keygate"` {
		t.Fatalf("want 401 KEY_MISSING with a challenge, got %d %s %v", a.status, a.body, a.header)
	}
}

func TestHTTPGuard_malformedKeyIs401WithInvalidTokenChallenge(t *testing.T) {
	a := callHTTP(t, guardedHTTP(t, newClient(t)), "GET", "/tasks", "Authorization", "Bearer kg_live_not-a-key")
	if a.status != 401 || a.reason != "KEY_MALFORMED" ||
		a.header.Get("WWW-Authenticate") != `Bearer realm="keygate", error="invalid_token"` {
		t.Fatalf("want 401 KEY_MALFORMED with invalid_token, got %d %s %v", a.status, a.body, a.header)
	}
	if strings.Contains(a.body, "kg_live_not-a-key") {
		t.Fatal("the key is echoed")
	}
}

func TestHTTPGuard_missingScopeIs403(t *testing.T) {
	kg := newClient(t)
	created := createKey(t, kg, 0, "tasks:read")
	a := callHTTP(t, guardedHTTP(t, kg), "DELETE", "/tasks/7", "Authorization", "Bearer "+created.Secret)
	if a.status != 403 || a.reason != "SCOPE_MISSING" || strings.Contains(a.body, created.Secret) {
		t.Fatalf("want 403 SCOPE_MISSING, got %d %s", a.status, a.body)
	}
}

func TestHTTPGuard_rateLimitedIs429WithRetryAfter(t *testing.T) {
	kg := newClient(t)
	server := guardedHTTP(t, kg)
	created := createKey(t, kg, 1, "tasks:read")
	if a := callHTTP(t, server, "GET", "/tasks", "Authorization", "Bearer "+created.Secret); a.status != 200 {
		t.Fatalf("first call: %d %s", a.status, a.body)
	}
	a := callHTTP(t, server, "GET", "/tasks", "Authorization", "Bearer "+created.Secret)
	retryAfter, err := strconv.Atoi(a.header.Get("Retry-After"))
	if a.status != 429 || a.reason != "RATE_LIMITED" || err != nil || retryAfter < 1 || retryAfter > 3600 {
		t.Fatalf("want 429 RATE_LIMITED with Retry-After, got %d %s %v", a.status, a.body, a.header)
	}
}

func TestHTTPGuard_keygateDownIs503FailClosed(t *testing.T) {
	a := callHTTP(t, guardedHTTP(t, downClient(t)), "GET", "/tasks", "Authorization", "Bearer kg_live_x")
	if a.status != 503 || a.reason != "UNAVAILABLE" {
		t.Fatalf("want 503 UNAVAILABLE, got %d %s", a.status, a.body)
	}
}

func TestHTTPGuard_unmappedRouteIs403(t *testing.T) {
	kg := newClient(t)
	created := createKey(t, kg, 0, "tasks:read", "tasks:delete")
	a := callHTTP(t, guardedHTTP(t, kg), "GET", "/unmapped", "Authorization", "Bearer "+created.Secret)
	if a.status != 403 || a.reason != "ROUTE_UNMAPPED" {
		t.Fatalf("want 403 ROUTE_UNMAPPED, got %d %s", a.status, a.body)
	}
}

func TestHTTPGuard_publicRouteNeedsNoKey(t *testing.T) {
	a := callHTTP(t, guardedHTTP(t, downClient(t)), "GET", "/healthz")
	if a.status != 200 || a.body != "nobody" {
		t.Fatalf("want 200 nobody, got %d %s", a.status, a.body)
	}
}

func TestRouteTable_mostSpecificFirst(t *testing.T) {
	table, _ := newRouteTable([]string{"/tasks/*", "GET /tasks/*", "GET /tasks/7", "/tasks/7"})
	got := strings.Join(table.match("GET", "/tasks/7"), ",")
	if want := "GET /tasks/7,/tasks/7,GET /tasks/*,/tasks/*"; got != want {
		t.Fatalf("want %s, got %s", want, got)
	}
}

func TestRouteTable_prefixNeedsPathBoundary(t *testing.T) {
	table, _ := newRouteTable([]string{"/tasks/*"})
	if got := table.match("POST", "/tasks"); len(got) != 1 {
		t.Fatalf("/tasks/* covers /tasks, got %v", got)
	}
	if got := table.match("GET", "/tasksx"); len(got) != 0 {
		t.Fatalf("/tasks/* must not cover /tasksx, got %v", got)
	}
}

func TestNewHTTPGuard_pathWithoutSlashIsRejected(t *testing.T) {
	if _, err := NewHTTPGuard(nil, Routes{"GET tasks": {"tasks:read"}}); err == nil {
		t.Fatal("want an error for a pattern without a leading slash")
	}
}
