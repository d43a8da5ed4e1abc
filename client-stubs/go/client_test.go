package client

import (
	"bufio"
	"context"
	"crypto/rand"
	"encoding/base64"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/metadata"
	"google.golang.org/protobuf/types/known/durationpb"

	"keygate.dev/client/keygatev1"
)

// End to end: the real keygate server jar on a free loopback port (in-memory store), keys created
// through KeyAdmin, every decision through Client.

var (
	addr       string
	adminToken string
)

func TestMain(m *testing.M) {
	os.Exit(runWithKeygate(m))
}

func runWithKeygate(m *testing.M) int {
	jar := os.Getenv("KEYGATE_SERVER_JAR")
	if jar == "" {
		wd, _ := os.Getwd()
		jar = filepath.Join(wd, "..", "..", "server", "target", "keygate-server.jar")
	}
	token := make([]byte, 24)
	if _, err := rand.Read(token); err != nil {
		panic(err)
	}
	adminToken = base64.RawURLEncoding.EncodeToString(token)
	cmd := exec.Command("java", "-jar", jar)
	for _, kv := range os.Environ() {
		if !strings.HasPrefix(kv, "KEYGATE_") {
			cmd.Env = append(cmd.Env, kv)
		}
	}
	cmd.Env = append(cmd.Env, "KEYGATE_LISTEN=127.0.0.1:0", "KEYGATE_ADMIN_TOKEN="+adminToken)
	out, err := cmd.StderrPipe()
	if err != nil {
		panic(err)
	}
	cmd.Stdout = os.Stdout
	if err := cmd.Start(); err != nil {
		fmt.Fprintln(os.Stderr, "cannot start keygate:", err)
		return 1
	}
	defer func() { _ = cmd.Process.Signal(os.Interrupt); _ = cmd.Wait() }()
	listening := regexp.MustCompile(`keygate listening on [^:\s]+:(\d+)`)
	found := make(chan string, 1)
	go func() {
		scanner := bufio.NewScanner(out)
		for scanner.Scan() { // keeps draining the log after start-up
			if match := listening.FindStringSubmatch(scanner.Text()); match != nil {
				found <- "127.0.0.1:" + match[1]
			}
		}
		close(found)
	}()
	select {
	case a, ok := <-found:
		if !ok {
			fmt.Fprintln(os.Stderr, "keygate exited before listening")
			return 1
		}
		addr = a
	case <-time.After(60 * time.Second): // a bound on start-up, so a broken server cannot hang CI
		fmt.Fprintln(os.Stderr, "keygate did not start")
		return 1
	}
	return m.Run()
}

func newClient(t *testing.T) *Client {
	c, err := New(addr)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Close() })
	return c
}

func admin(ctx context.Context) context.Context {
	return metadata.AppendToOutgoingContext(ctx, "authorization", "Bearer "+adminToken)
}

// projects numbers a project per key: keygate bounds the active keys of a project
var projects int64

func createKey(t *testing.T, c *Client, rateLimit uint32, scopes ...string) *keygatev1.CreateKeyResponse {
	project := fmt.Sprintf("go-e2e-%d", atomic.AddInt64(&projects, 1))
	req := &keygatev1.CreateKeyRequest{Project: project, Name: "go e2e", Scopes: scopes}
	if rateLimit > 0 {
		req.RateLimit = &keygatev1.RateLimit{Requests: rateLimit, Period: durationpb.New(time.Hour)}
	}
	resp, err := c.Admin.CreateKey(admin(context.Background()), req)
	if err != nil {
		t.Fatal(err)
	}
	return resp
}

func denial(t *testing.T, err error, code codes.Code, reason string, httpStatus int) *Error {
	t.Helper()
	var e *Error
	if !errors.As(err, &e) {
		t.Fatalf("want *Error, got %v", err)
	}
	if e.Code != code || e.Reason != reason || e.HTTPStatus() != httpStatus {
		t.Fatalf("want %v %s %d, got %v %s %d", code, reason, httpStatus, e.Code, e.Reason, e.HTTPStatus())
	}
	return e
}

func TestAuthorize_allowedKeyReturnsDecision(t *testing.T) {
	c := newClient(t)
	created := createKey(t, c, 0, "tasks:read", "tasks:write")
	decision, err := c.Authorize(context.Background(), created.Secret, "tasks:read")
	if err != nil {
		t.Fatal(err)
	}
	if decision.KeyId != created.Key.Id || decision.Project != created.Key.Project ||
		strings.Join(decision.GrantedScopes, ",") != "tasks:read,tasks:write" {
		t.Fatalf("unexpected decision %v", decision)
	}
}

func TestNew_readsKeygateAddr(t *testing.T) {
	t.Setenv("KEYGATE_ADDR", addr)
	c := newClient(t)
	if c.Target() != addr {
		t.Fatalf("target %s, want %s", c.Target(), addr)
	}
}

func TestAuthorize_missingKeyIsUnauthenticated(t *testing.T) {
	_, err := newClient(t).Authorize(context.Background(), "", "tasks:read")
	denial(t, err, codes.Unauthenticated, "KEY_MISSING", 401)
}

func TestAuthorize_malformedKeyIsUnauthenticatedAndNotEchoed(t *testing.T) {
	_, err := newClient(t).Authorize(context.Background(), "kg_live_not-a-key")
	e := denial(t, err, codes.Unauthenticated, "KEY_MALFORMED", 401)
	if strings.Contains(e.Error(), "kg_live_not-a-key") {
		t.Fatal("the key is echoed in the error")
	}
}

func TestAuthorize_revokedKeyIsUnauthenticated(t *testing.T) {
	c := newClient(t)
	created := createKey(t, c, 0, "tasks:read")
	if _, err := c.Admin.RevokeKey(admin(context.Background()),
		&keygatev1.RevokeKeyRequest{Id: created.Key.Id, Reason: "e2e"}); err != nil {
		t.Fatal(err)
	}
	_, err := c.Authorize(context.Background(), created.Secret, "tasks:read")
	denial(t, err, codes.Unauthenticated, "KEY_REVOKED", 401)
}

func TestAuthorize_missingScopeIsPermissionDenied(t *testing.T) {
	c := newClient(t)
	created := createKey(t, c, 0, "tasks:read")
	_, err := c.Authorize(context.Background(), created.Secret, "tasks:delete")
	e := denial(t, err, codes.PermissionDenied, "SCOPE_MISSING", 403)
	if e.Metadata["missing_scopes"] != "tasks:delete" {
		t.Fatalf("missing_scopes %q", e.Metadata["missing_scopes"])
	}
}

func TestAuthorize_overLimitIsRateLimitedWithRetryAfterAndQuota(t *testing.T) {
	c := newClient(t)
	created := createKey(t, c, 1, "tasks:read")
	first, err := c.Authorize(context.Background(), created.Secret, "tasks:read")
	if err != nil || first.RateLimit.Remaining != 0 {
		t.Fatalf("first call: %v %v", first, err)
	}
	_, err = c.Authorize(context.Background(), created.Secret, "tasks:read")
	e := denial(t, err, codes.ResourceExhausted, "RATE_LIMITED", 429)
	if e.RetryAfter <= 0 || e.RetryAfter > time.Hour {
		t.Fatalf("retry after %v", e.RetryAfter)
	}
	if len(e.QuotaViolations) != 1 || e.QuotaViolations[0].Subject != "key:"+created.Key.Id {
		t.Fatalf("quota violations %v", e.QuotaViolations)
	}
}

func TestAdmin_badTokenDecodesAdminCredentialInvalid(t *testing.T) {
	c := newClient(t)
	ctx := metadata.AppendToOutgoingContext(context.Background(), "authorization", "Bearer wrong-token-wrong-token")
	_, err := c.Admin.GetKey(ctx, &keygatev1.GetKeyRequest{Id: "x"})
	denial(t, FromError(err), codes.Unauthenticated, "ADMIN_CREDENTIAL_INVALID", 401)
}

func TestAuthorize_sidecarDownIsUnavailable(t *testing.T) {
	c, err := New("127.0.0.1:1")
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	c.Timeout = 5 * time.Second
	_, err = c.Authorize(context.Background(), "kg_live_whatever")
	denial(t, err, codes.Unavailable, "UNAVAILABLE", 503)
}
