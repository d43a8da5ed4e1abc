package dev.keygate.grpc;

import static dev.keygate.testing.GrpcErrors.assertDenied;
import static dev.keygate.testing.InProcessKeygate.withBearer;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.keygate.api.v1.CheckRequest;
import dev.keygate.api.v1.CreateKeyRequest;
import dev.keygate.api.v1.CreateKeyResponse;
import dev.keygate.api.v1.KeyAdminGrpc;
import dev.keygate.api.v1.ListKeysRequest;
import dev.keygate.store.InMemoryKeyStore;
import dev.keygate.testing.InProcessKeygate;
import io.grpc.Status.Code;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * A sidecar started without {@code KEYGATE_ADMIN_TOKEN} (the recommended setting once an operator
 * holds an {@code admin:*} key): no bearer string is ever taken for the admin, API keys administer
 * within their own project only, and Authorize is unaffected. The admin key comes from a second
 * instance that has the token, over the same store, as an operator's bootstrap sidecar would.
 */
class NoAdminTokenTest {
  private final InMemoryKeyStore store = new InMemoryKeyStore();
  private final InProcessKeygate bootstrap = new InProcessKeygate(Map.of(), store);
  private final InProcessKeygate tokenless = new InProcessKeygate(withoutToken(), store);

  private static Map<String, String> withoutToken() {
    Map<String, String> env = new HashMap<>();
    env.put("KEYGATE_ADMIN_TOKEN", null); // unset, over the fixture's default
    return env;
  }

  @AfterEach
  void close() {
    bootstrap.close();
    tokenless.close();
  }

  private static CreateKeyRequest newKey(String project) {
    return CreateKeyRequest.newBuilder()
        .setProject(project)
        .setName("made")
        .addScopes("tasks:read")
        .build();
  }

  @Test
  void createKey_bootstrapTokenPresented_refused() {
    KeyAdminGrpc.KeyAdminBlockingStub asToken =
        withBearer(KeyAdminGrpc.newBlockingStub(tokenless.channel()), InProcessKeygate.ADMIN_TOKEN);
    assertDenied(
        Code.UNAUTHENTICATED, "ADMIN_CREDENTIAL_INVALID", () -> asToken.createKey(newKey("acme")));
    assertDenied(
        Code.UNAUTHENTICATED,
        "KEY_MISSING",
        () -> tokenless.anonymousAdmin().createKey(newKey("acme")));
    // the same token still works where it is configured: the refusal is the setting's doing
    assertEquals("acme", bootstrap.admin().createKey(newKey("acme")).getKey().getProject());
  }

  @Test
  void createKey_adminApiKey_confinedToItsProject() {
    CreateKeyResponse admin = bootstrap.createKey("admin:*");
    KeyAdminGrpc.KeyAdminBlockingStub asKey =
        withBearer(KeyAdminGrpc.newBlockingStub(tokenless.channel()), admin.getSecret());

    CreateKeyResponse made = asKey.createKey(newKey("acme"));
    assertEquals("acme", made.getKey().getProject());
    assertDenied(
        Code.PERMISSION_DENIED, "PROJECT_MISMATCH", () -> asKey.createKey(newKey("other")));
    assertEquals(
        2, asKey.listKeys(ListKeysRequest.newBuilder().setProject("acme").build()).getKeysCount());

    // the key it made authorizes as any other
    assertEquals(
        made.getKey().getId(),
        tokenless
            .authorize()
            .check(
                CheckRequest.newBuilder()
                    .setKey(made.getSecret())
                    .addRequiredScopes("tasks:read")
                    .build())
            .getKeyId());
  }
}
