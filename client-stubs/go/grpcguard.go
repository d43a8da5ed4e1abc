package client

import (
	"context"
	"strings"

	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/metadata"
	"google.golang.org/grpc/status"
)

// GRPCGuard protects a gRPC server's methods with keygate:
//
//	guard := client.NewGRPCGuard(kg, map[string][]string{
//		"/tasks.v1.Tasks/ListTasks": {"tasks:read"},
//		"/tasks.v1.Tasks/*":         {"tasks:write"}, // every other method of the service
//	}, "/grpc.health.v1.Health/Check")
//	server := grpc.NewServer(grpc.UnaryInterceptor(guard.Unary), grpc.StreamInterceptor(guard.Stream))
//
// Methods listed as public pass without a key; every other unmapped method is denied
// (PERMISSION_DENIED, fail closed), so a new method cannot slip through unprotected. A denial
// reaches the caller with keygate's own code, message and google.rpc details; keygate unreachable
// is UNAVAILABLE, never allowed. A handler reads the decision with Identity(ctx).
type GRPCGuard struct {
	client *Client
	scopes map[string][]string
	public map[string]bool
}

// NewGRPCGuard guards the methods in scopes (full names, or "/package.Service/*").
func NewGRPCGuard(c *Client, scopes map[string][]string, public ...string) *GRPCGuard {
	g := &GRPCGuard{client: c, scopes: map[string][]string{}, public: map[string]bool{}}
	for method, s := range scopes {
		g.scopes[method] = append([]string(nil), s...)
	}
	for _, method := range public {
		g.public[method] = true
	}
	return g
}

// Unary is the grpc.UnaryServerInterceptor.
func (g *GRPCGuard) Unary(ctx context.Context, req interface{}, info *grpc.UnaryServerInfo,
	handler grpc.UnaryHandler) (interface{}, error) {
	ctx, err := g.check(ctx, info.FullMethod)
	if err != nil {
		return nil, err
	}
	return handler(ctx, req)
}

// Stream is the grpc.StreamServerInterceptor.
func (g *GRPCGuard) Stream(srv interface{}, ss grpc.ServerStream, info *grpc.StreamServerInfo,
	handler grpc.StreamHandler) error {
	ctx, err := g.check(ss.Context(), info.FullMethod)
	if err != nil {
		return err
	}
	return handler(srv, &identityStream{ServerStream: ss, ctx: ctx})
}

func (g *GRPCGuard) check(ctx context.Context, method string) (context.Context, error) {
	if g.public[method] {
		return ctx, nil
	}
	required, ok := g.scopes[method]
	if !ok {
		required, ok = g.scopes[method[:strings.LastIndex(method, "/")+1]+"*"]
	}
	if !ok {
		return nil, status.Errorf(codes.PermissionDenied, "%s is not mapped to keygate scopes", method)
	}
	md, _ := metadata.FromIncomingContext(ctx)
	decision, err := g.client.Authorize(ctx, presentedKey(first(md.Get("authorization")),
		first(md.Get("x-api-key"))), required...)
	if err != nil {
		return nil, err // an *Error: its GRPCStatus carries keygate's code, message and details
	}
	return withIdentity(ctx, decision), nil
}

func first(values []string) string {
	if len(values) == 0 {
		return ""
	}
	return values[0]
}

// identityStream hands the stream handler the context that holds the identity.
type identityStream struct {
	grpc.ServerStream
	ctx context.Context
}

func (s *identityStream) Context() context.Context { return s.ctx }
