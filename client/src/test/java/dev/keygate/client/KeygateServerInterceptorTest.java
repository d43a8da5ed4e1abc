package dev.keygate.client;

import static dev.keygate.client.Sidecar.bearer;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.ByteString;
import com.google.protobuf.BytesValue;
import com.google.rpc.ErrorInfo;
import com.google.rpc.RetryInfo;
import dev.keygate.api.v1.CreateKeyResponse;
import io.grpc.CallOptions;
import io.grpc.Grpc;
import io.grpc.InsecureChannelCredentials;
import io.grpc.InsecureServerCredentials;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.MethodDescriptor;
import io.grpc.Server;
import io.grpc.ServerInterceptors;
import io.grpc.ServerServiceDefinition;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.protobuf.ProtoUtils;
import io.grpc.protobuf.StatusProto;
import io.grpc.stub.ClientCalls;
import io.grpc.stub.MetadataUtils;
import io.grpc.stub.ServerCalls;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * {@link KeygateServerInterceptor} protecting a small demo service (BytesValue methods over Netty)
 * with the real keygate sidecar on a free loopback port.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class KeygateServerInterceptorTest {
  private Sidecar keygate;
  private KeygateClient client;

  void startKeygate() {
    keygate = new Sidecar();
    client = keygate.client;
  }

  void stopKeygate() {
    keygate.close();
  }

  private CreateKeyResponse createKey(List<String> scopes, int rateLimit) {
    return keygate.createKey(scopes, rateLimit);
  }

  private Server demo;
  private ManagedChannel channel;

  private static MethodDescriptor<BytesValue, BytesValue> method(String name) {
    return MethodDescriptor.<BytesValue, BytesValue>newBuilder()
        .setType(MethodDescriptor.MethodType.UNARY)
        .setFullMethodName(MethodDescriptor.generateFullMethodName("demo.Tasks", name))
        .setRequestMarshaller(ProtoUtils.marshaller(BytesValue.getDefaultInstance()))
        .setResponseMarshaller(ProtoUtils.marshaller(BytesValue.getDefaultInstance()))
        .build();
  }

  @BeforeAll
  void startDemo() throws Exception {
    startKeygate(); // one @BeforeAll: JUnit does not order several
    var service = ServerServiceDefinition.builder("demo.Tasks");
    for (String name : List.of("Whoami", "PublicWhoami")) {
      // a real handler reading the identity the interceptor put in its Context
      service.addMethod(
          method(name),
          ServerCalls.asyncUnaryCall(
              (request, observer) -> {
                String who =
                    KeygateServerInterceptor.currentIdentity()
                        .map(d -> d.getKeyId() + "@" + d.getProject() + d.getGrantedScopesList())
                        .orElse("nobody");
                observer.onNext(BytesValue.of(ByteString.copyFromUtf8(who)));
                observer.onCompleted();
              }));
    }
    for (String name : List.of("List", "Delete", "Unmapped", "Health")) {
      service.addMethod(
          method(name),
          ServerCalls.asyncUnaryCall(
              (request, observer) -> {
                observer.onNext(
                    BytesValue.of(ByteString.copyFromUtf8("tasks:").concat(request.getValue())));
                observer.onCompleted();
              }));
    }
    demo =
        Grpc.newServerBuilderForPort(0, InsecureServerCredentials.create())
            .addService(
                ServerInterceptors.intercept(
                    service.build(),
                    new KeygateServerInterceptor(
                        client,
                        Map.of(
                            "demo.Tasks/List", List.of("tasks:read"),
                            "demo.Tasks/Whoami", List.of("tasks:read"),
                            "demo.Tasks/Delete", List.of("tasks:delete")),
                        Set.of("demo.Tasks/Health", "demo.Tasks/PublicWhoami"))))
            .build()
            .start();
    channel =
        Grpc.newChannelBuilderForAddress(
                "127.0.0.1", demo.getPort(), InsecureChannelCredentials.create())
            .build();
  }

  @AfterAll
  void stopDemo() throws InterruptedException {
    channel.shutdownNow();
    demo.shutdownNow().awaitTermination(10, TimeUnit.SECONDS);
    stopKeygate();
  }

  private String call(String name, Metadata headers) {
    var response =
        ClientCalls.blockingUnaryCall(
            io.grpc.ClientInterceptors.intercept(
                channel, MetadataUtils.newAttachHeadersInterceptor(headers)),
            method(name),
            CallOptions.DEFAULT.withDeadlineAfter(10, TimeUnit.SECONDS),
            BytesValue.of(ByteString.copyFromUtf8("ping")));
    return response.getValue().toStringUtf8();
  }

  private com.google.rpc.Status assertDenied(
      Status.Code code, String reason, String name, Metadata headers) throws Exception {
    var e = assertThrows(StatusRuntimeException.class, () -> call(name, headers));
    assertEquals(code, e.getStatus().getCode());
    var status = StatusProto.fromThrowable(e);
    assertTrue(status != null, "the caller gets keygate's google.rpc details");
    ErrorInfo info = status.getDetails(0).unpack(ErrorInfo.class);
    assertEquals(List.of("keygate", reason), List.of(info.getDomain(), info.getReason()));
    return status;
  }

  @Test
  void intercept_allowedKeyReachesService() {
    assertEquals(
        "tasks:ping", call("List", bearer(createKey(List.of("tasks:read"), 0).getSecret())));
  }

  @Test
  void intercept_xApiKeyHeaderIsAccepted() {
    Metadata md = new Metadata();
    md.put(KeygateServerInterceptor.X_API_KEY, createKey(List.of("tasks:read"), 0).getSecret());
    assertEquals("tasks:ping", call("List", md));
  }

  @Test
  void intercept_noKeyIsUnauthenticated() throws Exception {
    assertDenied(Status.Code.UNAUTHENTICATED, "KEY_MISSING", "List", new Metadata());
  }

  @Test
  void intercept_malformedKeyIsUnauthenticated() throws Exception {
    assertDenied(Status.Code.UNAUTHENTICATED, "KEY_MALFORMED", "List", bearer("kg_live_nope"));
  }

  @Test
  void intercept_missingScopeIsPermissionDenied() throws Exception {
    assertDenied(
        Status.Code.PERMISSION_DENIED,
        "SCOPE_MISSING",
        "Delete",
        bearer(createKey(List.of("tasks:read"), 0).getSecret()));
  }

  @Test
  void intercept_rateLimitedIsResourceExhaustedWithRetryInfo() throws Exception {
    Metadata key = bearer(createKey(List.of("tasks:read"), 1).getSecret());
    call("List", key);
    var status = assertDenied(Status.Code.RESOURCE_EXHAUSTED, "RATE_LIMITED", "List", key);
    var retry = status.getDetailsList().stream().filter(d -> d.is(RetryInfo.class)).findFirst();
    assertTrue(retry.isPresent(), "RetryInfo reaches the caller");
    var delay = retry.get().unpack(RetryInfo.class).getRetryDelay();
    assertTrue(delay.getSeconds() > 0 || delay.getNanos() > 0, delay::toString);
  }

  @Test
  void intercept_unmappedMethodIsDenied() {
    var e =
        assertThrows(
            StatusRuntimeException.class,
            () -> call("Unmapped", bearer(createKey(List.of("admin:*"), 0).getSecret())));
    assertEquals(Status.Code.PERMISSION_DENIED, e.getStatus().getCode());
  }

  @Test
  void intercept_handlerReadsAuthorizedIdentityFromContext() {
    CreateKeyResponse created = createKey(List.of("tasks:read", "tasks:write"), 0);
    assertEquals(
        created.getKey().getId()
            + "@"
            + created.getKey().getProject()
            + "[tasks:read, tasks:write]",
        call("Whoami", bearer(created.getSecret())));
  }

  @Test
  void intercept_publicMethodHandlerHasNoIdentity() {
    assertEquals("nobody", call("PublicWhoami", new Metadata()));
  }

  @Test
  void intercept_publicMethodNeedsNoKey() {
    assertEquals("tasks:ping", call("Health", new Metadata()));
  }
}
