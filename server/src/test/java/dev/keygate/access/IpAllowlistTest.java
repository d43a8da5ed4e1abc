package dev.keygate.access;

import static dev.keygate.testing.GrpcErrors.assertDenied;
import static dev.keygate.testing.GrpcErrors.detail;
import static org.junit.jupiter.api.Assertions.assertEquals;

import com.google.protobuf.FieldMask;
import com.google.rpc.BadRequest;
import com.google.rpc.ErrorInfo;
import dev.keygate.api.v1.ApiKey;
import dev.keygate.api.v1.AuthorizeGrpc;
import dev.keygate.api.v1.CheckRequest;
import dev.keygate.api.v1.CreateKeyRequest;
import dev.keygate.api.v1.CreateKeyResponse;
import dev.keygate.api.v1.GetKeyRequest;
import dev.keygate.api.v1.KeyAdminGrpc;
import dev.keygate.api.v1.ListKeysRequest;
import dev.keygate.api.v1.UpdateKeyRequest;
import dev.keygate.testing.InProcessKeygate;
import dev.keygate.testing.NettyKeygate;
import io.grpc.Status.Code;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * IP allowlists through Authorize.Check and KeyAdmin over a real Netty port and a real
 * redis-server. The test's connection comes from loopback, a trusted peer by default, so the
 * request's {@code client_address} names the client; {@link UntrustedPeerAllowlistTest} covers a
 * peer whose claims are not believed.
 */
class IpAllowlistTest {
  private final NettyKeygate kg =
      NettyKeygate.start(Map.of("KEYGATE_PROJECT_ALLOWLISTS", "fenced=192.0.2.0/24"));

  @AfterEach
  void close() throws InterruptedException {
    kg.close();
  }

  private CreateKeyResponse create(String project, String... cidrs) {
    return kg.admin()
        .createKey(
            CreateKeyRequest.newBuilder()
                .setProject(project)
                .setName("seller key")
                .addScopes("tasks:read")
                .addAllAllowedCidrs(List.of(cidrs))
                .build());
  }

  private String check(String secret, String clientAddress) {
    return AuthorizeGrpc.newBlockingStub(kg.channel)
        .check(
            CheckRequest.newBuilder()
                .setKey(secret)
                .addRequiredScopes("tasks:read")
                .setClientAddress(clientAddress)
                .build())
        .getKeyId();
  }

  /** Asserts the refusal and returns the address it names. */
  private String refusedAddress(String secret, String clientAddress) {
    com.google.rpc.Status status =
        assertDenied(
            Code.PERMISSION_DENIED,
            "CLIENT_ADDRESS_NOT_ALLOWED",
            () -> check(secret, clientAddress));
    return detail(status, ErrorInfo.class).getMetadataOrThrow("client_address");
  }

  @Test
  void check_ipv4InsideAllowed_outsideRefusedWithTheAddress() {
    CreateKeyResponse key = create("acme", "203.0.113.0/24", "2001:db8::/32");
    assertEquals(List.of("203.0.113.0/24", "2001:db8::/32"), key.getKey().getAllowedCidrsList());

    assertEquals(key.getKey().getId(), check(key.getSecret(), "203.0.113.7"));
    assertEquals(key.getKey().getId(), check(key.getSecret(), "203.0.113.255"));
    assertEquals("203.0.114.1", refusedAddress(key.getSecret(), "203.0.114.1"));
    assertEquals("198.51.100.1", refusedAddress(key.getSecret(), "198.51.100.1"));
  }

  @Test
  void check_ipv6InsideAllowed_outsideRefusedWithTheAddress() {
    CreateKeyResponse key = create("acme", "2001:db8:aa00::/40", "198.51.100.9");

    assertEquals(key.getKey().getId(), check(key.getSecret(), "2001:db8:aa12::1"));
    assertEquals(key.getKey().getId(), check(key.getSecret(), "2001:DB8:AAFF:ffff::9"));
    assertEquals(key.getKey().getId(), check(key.getSecret(), "198.51.100.9"));
    assertEquals("2001:db8:ab00::1", refusedAddress(key.getSecret(), "2001:db8:ab00::1"));
    assertEquals("198.51.100.10", refusedAddress(key.getSecret(), "198.51.100.10"));
  }

  @Test
  void check_noClaimFromTrustedPeer_theConnectionsAddressIsChecked() {
    CreateKeyResponse fenced = create("acme", "203.0.113.0/24");
    CreateKeyResponse local = create("acme", "127.0.0.0/8");

    assertEquals("127.0.0.1", refusedAddress(fenced.getSecret(), ""));
    assertEquals(local.getKey().getId(), check(local.getSecret(), ""));
  }

  @Test
  void check_projectDefault_appliesToKeysWithoutTheirOwnList() {
    CreateKeyResponse plain = create("fenced");
    CreateKeyResponse own = create("fenced", "198.51.100.0/24");
    CreateKeyResponse elsewhere = create("acme");

    assertEquals(plain.getKey().getId(), check(plain.getSecret(), "192.0.2.44"));
    assertEquals("198.51.100.1", refusedAddress(plain.getSecret(), "198.51.100.1"));
    // a key's own list replaces its project's default
    assertEquals(own.getKey().getId(), check(own.getSecret(), "198.51.100.1"));
    assertEquals("192.0.2.44", refusedAddress(own.getSecret(), "192.0.2.44"));
    // other projects have no default: any address
    assertEquals(elsewhere.getKey().getId(), check(elsewhere.getSecret(), "198.51.100.1"));
  }

  @Test
  void check_malformedClientAddress_fieldViolation() {
    CreateKeyResponse key = create("acme", "203.0.113.0/24");
    for (String bad : List.of("203.0.113.7:443", "example.com", "203.0.113.0/24", "1".repeat(65))) {
      com.google.rpc.Status status =
          assertDenied(
              Code.INVALID_ARGUMENT, "INVALID_ARGUMENT", () -> check(key.getSecret(), bad));
      assertEquals(
          "client_address", detail(status, BadRequest.class).getFieldViolations(0).getField());
    }
  }

  @Test
  void createKey_badCidrs_everyViolationNamedAndNothingStored() {
    com.google.rpc.Status status =
        assertDenied(
            Code.INVALID_ARGUMENT,
            "INVALID_ARGUMENT",
            () ->
                create(
                    "badcidrs",
                    "10.0.0.1/8",
                    "not-an-address",
                    "2001:db8::/129",
                    "10.0.0.0/8",
                    "10.0.0.0/8",
                    "fe80::1%eth0",
                    "300.1.1.1/32"));
    List<String> fields =
        detail(status, BadRequest.class).getFieldViolationsList().stream()
            .map(BadRequest.FieldViolation::getField)
            .toList();
    assertEquals(
        List.of(
            "allowed_cidrs[0]",
            "allowed_cidrs[1]",
            "allowed_cidrs[2]",
            "allowed_cidrs[4]",
            "allowed_cidrs[5]",
            "allowed_cidrs[6]"),
        fields);
    assertEquals(
        "has bits set past its prefix length; did you mean 10.0.0.0/8?",
        detail(status, BadRequest.class).getFieldViolations(0).getDescription());

    String[] tooMany =
        IntStream.range(0, IpAllowlist.MAX_ENTRIES + 1)
            .mapToObj(i -> "10.0." + i + ".0/24")
            .toArray(String[]::new);
    status =
        assertDenied(Code.INVALID_ARGUMENT, "INVALID_ARGUMENT", () -> create("badcidrs", tooMany));
    assertEquals(
        "allowed_cidrs", detail(status, BadRequest.class).getFieldViolations(0).getField());

    assertEquals(
        0,
        kg.admin()
            .listKeys(ListKeysRequest.newBuilder().setProject("badcidrs").build())
            .getKeysCount());
  }

  @Test
  void updateKey_allowlistReplacedOrCleared_badOneRefusedAndNothingStored() {
    CreateKeyResponse key = create("acme", "203.0.113.0/24");
    String id = key.getKey().getId();
    UpdateKeyRequest.Builder update =
        UpdateKeyRequest.newBuilder()
            .setUpdateMask(FieldMask.newBuilder().addPaths("allowed_cidrs"));

    com.google.rpc.Status status =
        assertDenied(
            Code.INVALID_ARGUMENT,
            "INVALID_ARGUMENT",
            () ->
                kg.admin()
                    .updateKey(
                        update
                            .setKey(ApiKey.newBuilder().setId(id).addAllowedCidrs("10.0.0.0/33"))
                            .build()));
    assertEquals(
        "key.allowed_cidrs[0]", detail(status, BadRequest.class).getFieldViolations(0).getField());
    assertEquals(
        List.of("203.0.113.0/24"),
        kg.admin().getKey(GetKeyRequest.newBuilder().setId(id).build()).getAllowedCidrsList());

    kg.admin()
        .updateKey(
            update
                .setKey(ApiKey.newBuilder().setId(id).addAllowedCidrs("198.51.100.0/24"))
                .build());
    assertEquals(id, check(key.getSecret(), "198.51.100.3"));
    assertEquals("203.0.113.7", refusedAddress(key.getSecret(), "203.0.113.7"));

    kg.admin().updateKey(update.setKey(ApiKey.newBuilder().setId(id)).build());
    assertEquals(id, check(key.getSecret(), "203.0.113.7"));
  }

  @Test
  void createKey_byKeyWithAllowlist_mayNotGrantAWiderOrNoList() {
    // the caller reaches KeyAdmin from loopback, so its own list must hold it
    String caller =
        kg.admin()
            .createKey(
                CreateKeyRequest.newBuilder()
                    .setProject("acme")
                    .setName("admin key")
                    .addScopes("tasks:read")
                    .addScopes("keys:write")
                    .addAllowedCidrs("127.0.0.0/8")
                    .addAllowedCidrs("203.0.113.0/24")
                    .build())
            .getSecret();
    KeyAdminGrpc.KeyAdminBlockingStub asKey =
        InProcessKeygate.withBearer(KeyAdminGrpc.newBlockingStub(kg.channel), caller);
    CreateKeyRequest.Builder request =
        CreateKeyRequest.newBuilder().setProject("acme").setName("child").addScopes("tasks:read");

    asKey.createKey(request.clone().addAllowedCidrs("203.0.113.128/25").build());
    for (List<String> looser :
        List.of(List.<String>of(), List.of("203.0.112.0/23"), List.of("198.51.100.0/24"))) {
      com.google.rpc.Status status =
          assertDenied(
              Code.PERMISSION_DENIED,
              "CONSTRAINT_LOOSENED",
              () -> asKey.createKey(request.clone().addAllAllowedCidrs(looser).build()));
      assertEquals("allowed_cidrs", detail(status, ErrorInfo.class).getMetadataOrThrow("fields"));
    }
  }

  @Test
  void keyAdmin_callerKeyOutsideItsOwnList_refused() {
    CreateKeyResponse caller = create("acme", "203.0.113.0/24");
    KeyAdminGrpc.KeyAdminBlockingStub asKey =
        InProcessKeygate.withBearer(KeyAdminGrpc.newBlockingStub(kg.channel), caller.getSecret());

    com.google.rpc.Status status =
        assertDenied(
            Code.PERMISSION_DENIED,
            "CLIENT_ADDRESS_NOT_ALLOWED",
            () -> asKey.getKey(GetKeyRequest.newBuilder().setId(caller.getKey().getId()).build()));
    assertEquals("127.0.0.1", detail(status, ErrorInfo.class).getMetadataOrThrow("client_address"));
  }
}
