// Package client is a thin Go client for the keygate sidecar: Authorize answers whether a key may
// make a call, and denials come back as *Error with keygate's stable reason, retry-after and
// quota. The generated stubs are in keygatev1 (client-stubs/generate.sh).
package client

import (
	"context"
	"fmt"
	"os"
	"time"

	"google.golang.org/genproto/googleapis/rpc/errdetails"
	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"

	"keygate.dev/client/keygatev1"
)

// DefaultAddr is used when KEYGATE_ADDR is not set.
const DefaultAddr = "127.0.0.1:7070"

// Client talks to one keygate sidecar.
type Client struct {
	conn      *grpc.ClientConn
	authorize keygatev1.AuthorizeClient
	// Admin is the generated KeyAdmin client on the same connection.
	Admin   keygatev1.KeyAdminClient
	Timeout time.Duration
}

// New connects (lazily, plaintext: a loopback sidecar) to addr, else $KEYGATE_ADDR, else DefaultAddr.
func New(addr string) (*Client, error) {
	if addr == "" {
		addr = os.Getenv("KEYGATE_ADDR")
	}
	if addr == "" {
		addr = DefaultAddr
	}
	conn, err := grpc.Dial(addr, grpc.WithInsecure())
	if err != nil {
		return nil, fmt.Errorf("keygate: cannot use address %q: %w", addr, err)
	}
	return &Client{conn: conn, authorize: keygatev1.NewAuthorizeClient(conn),
		Admin: keygatev1.NewKeyAdminClient(conn), Timeout: 2 * time.Second}, nil
}

// Target is the address the client dials.
func (c *Client) Target() string { return c.conn.Target() }

// Close closes the connection.
func (c *Client) Close() error { return c.conn.Close() }

// Authorize asks whether key may make a call needing every one of scopes. A denial is an *Error.
func (c *Client) Authorize(ctx context.Context, key string, scopes ...string) (*keygatev1.CheckResponse, error) {
	ctx, cancel := context.WithTimeout(ctx, c.Timeout)
	defer cancel()
	resp, err := c.authorize.Check(ctx, &keygatev1.CheckRequest{Key: key, RequiredScopes: scopes})
	if err != nil {
		return nil, FromError(err)
	}
	return resp, nil
}

// QuotaViolation is one google.rpc.QuotaFailure violation.
type QuotaViolation struct{ Subject, Description string }

// Error is a failed keygate call. Reason is keygate's stable ErrorInfo reason (KEY_UNKNOWN,
// SCOPE_MISSING, RATE_LIMITED, ...), or the gRPC code's name when the failure did not come from
// keygate itself (sidecar down, deadline).
type Error struct {
	Code            codes.Code
	Reason          string
	Message         string
	Metadata        map[string]string
	RetryAfter      time.Duration // zero when keygate gave no RetryInfo
	QuotaViolations []QuotaViolation
	Status          *status.Status // keygate's status with its details, to pass on unchanged
}

func (e *Error) Error() string { return fmt.Sprintf("%s %s: %s", e.Code, e.Reason, e.Message) }

// GRPCStatus lets status.FromError (and a gRPC server returning e) keep keygate's details.
func (e *Error) GRPCStatus() *status.Status { return e.Status }

// HTTPStatus is the HTTP status keygate's table gives the failure (500 outside the table).
func (e *Error) HTTPStatus() int {
	switch e.Code {
	case codes.Unauthenticated:
		return 401
	case codes.PermissionDenied:
		return 403
	case codes.ResourceExhausted:
		return 429
	case codes.InvalidArgument, codes.FailedPrecondition:
		return 400
	case codes.NotFound:
		return 404
	case codes.AlreadyExists, codes.Aborted:
		return 409
	case codes.Unavailable:
		return 503
	}
	return 500
}

// FromError decodes the google.rpc details of a failed call into an *Error.
func FromError(err error) *Error {
	st := status.Convert(err)
	e := &Error{Code: st.Code(), Reason: codeName(st.Code()), Message: st.Message(),
		Metadata: map[string]string{}, Status: st}
	for _, d := range st.Details() {
		switch detail := d.(type) {
		case *errdetails.ErrorInfo:
			if detail.GetDomain() == "keygate" {
				e.Reason, e.Metadata = detail.GetReason(), detail.GetMetadata()
			}
		case *errdetails.RetryInfo:
			d := detail.GetRetryDelay() // genproto of this age uses the APIv1 Duration type
			e.RetryAfter = time.Duration(d.GetSeconds())*time.Second + time.Duration(d.GetNanos())
		case *errdetails.QuotaFailure:
			for _, v := range detail.GetViolations() {
				e.QuotaViolations = append(e.QuotaViolations, QuotaViolation{v.GetSubject(), v.GetDescription()})
			}
		}
	}
	return e
}

// codeName is the upper-case gRPC name (UNAVAILABLE), as keygate and the other clients spell it.
func codeName(c codes.Code) string {
	names := map[codes.Code]string{codes.Unauthenticated: "UNAUTHENTICATED",
		codes.PermissionDenied: "PERMISSION_DENIED", codes.ResourceExhausted: "RESOURCE_EXHAUSTED",
		codes.Unavailable: "UNAVAILABLE", codes.DeadlineExceeded: "DEADLINE_EXCEEDED",
		codes.InvalidArgument: "INVALID_ARGUMENT", codes.NotFound: "NOT_FOUND"}
	if n, ok := names[c]; ok {
		return n
	}
	return c.String()
}
