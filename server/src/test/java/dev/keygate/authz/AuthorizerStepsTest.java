package dev.keygate.authz;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertSame;

import dev.keygate.admin.Caller;
import dev.keygate.admin.CreatedKey;
import dev.keygate.error.Reason;
import dev.keygate.key.KeyKind;
import dev.keygate.key.KeyLimit;
import dev.keygate.key.LimitScope;
import dev.keygate.key.RateLimitSpec;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Each step of the decision on its own, with the exact reason, message and metadata it answers: the
 * admin credential, the environment, the secret, the key's state, the IP allowlist and the project
 * quota.
 */
class AuthorizerStepsTest extends AuthorizerFixture {
  @Test
  void decide_adminSurfaceWithoutCredential_saysHowToPresentOne() {
    Decision.Denied d = denied(decide(null, Surface.ADMIN));
    assertEquals(Reason.KEY_MISSING, d.reason());
    assertEquals("KeyAdmin needs 'authorization: Bearer <admin token or API key>'", d.message());
    Decision.Denied plain = denied(decide("", Surface.AUTHORIZE));
    assertEquals(Reason.KEY_MISSING, plain.reason());
    assertEquals(Reason.KEY_MISSING.summary(), plain.message());
  }

  @Test
  void decide_adminToken_acceptedOnlyOnTheAdminSurface() {
    assertInstanceOf(Decision.AdminTokenAccepted.class, decide(ADMIN, Surface.ADMIN));
    assertEquals(Reason.KEY_MALFORMED, denied(decide(ADMIN, Surface.AUTHORIZE)).reason());
    assertEquals(
        Reason.ADMIN_CREDENTIAL_INVALID, denied(decide(ADMIN + "x", Surface.ADMIN)).reason());
  }

  @Test
  void adminToken_noneAndNullMatchNothing() {
    assertSame(AdminToken.none(), AdminToken.of(null));
    assertEquals(false, AdminToken.none().matches(ADMIN));
    assertEquals(true, AdminToken.of(ADMIN).matches(ADMIN));
    assertEquals(false, AdminToken.of(ADMIN).matches(ADMIN + " "));
  }

  @Test
  void decide_keyOfTheOtherEnvironment_mismatch() {
    CreatedKey test = create(KeyKind.TEST, null);
    Decision.Denied d = denied(decide(test.secret(), Surface.AUTHORIZE));
    assertEquals(Reason.KEY_ENVIRONMENT_MISMATCH, d.reason());
    assertEquals("this sidecar accepts live keys only", d.message());
  }

  @Test
  void decide_rightIdWrongSecret_unknownAndNotNamed() {
    CreatedKey key = create(KeyKind.LIVE, null);
    String forged = format.newSecret(KeyKind.LIVE, key.key().id());
    Decision.Denied d = denied(decide(forged, Surface.AUTHORIZE));
    assertEquals(Reason.KEY_UNKNOWN, d.reason());
    assertEquals(Map.of(), d.metadata());
    assertEquals(List.of("denied authorize KEY_UNKNOWN - req-1"), observed);
  }

  @Test
  void decide_expiredKey_expiredWithItsId() {
    CreatedKey key = create(KeyKind.LIVE, clock.instant().plusSeconds(60));
    assertInstanceOf(Decision.Allowed.class, decide(key.secret(), Surface.AUTHORIZE));
    clock.advance(Duration.ofSeconds(60));
    Decision.Denied d = denied(decide(key.secret(), Surface.AUTHORIZE));
    assertEquals(Reason.KEY_EXPIRED, d.reason());
    assertEquals(Reason.KEY_EXPIRED.summary(), d.message());
    assertEquals(Map.of("key_id", key.key().id()), d.metadata());
  }

  @Test
  void decide_revokedKey_revokedWithItsId() {
    CreatedKey key = create(KeyKind.LIVE, null);
    keys.revoke(Caller.ADMIN_TOKEN, key.key().id(), "leak");
    Decision.Denied d = denied(decide(key.secret(), Surface.AUTHORIZE));
    assertEquals(Reason.KEY_REVOKED, d.reason());
    assertEquals("the API key was revoked", d.message());
    assertEquals(Map.of("key_id", key.key().id()), d.metadata());
  }

  @Test
  void decide_disabledKey_disabledUntilEnabled() {
    CreatedKey key = create(KeyKind.LIVE, null);
    keys.disable(Caller.ADMIN_TOKEN, key.key().id(), "pause");
    Decision.Denied d = denied(decide(key.secret(), Surface.AUTHORIZE));
    assertEquals(Reason.KEY_DISABLED, d.reason());
    assertEquals(Map.of("key_id", key.key().id()), d.metadata());
    keys.enable(Caller.ADMIN_TOKEN, key.key().id());
    assertInstanceOf(Decision.Allowed.class, decide(key.secret(), Surface.AUTHORIZE));
  }

  @Test
  void decide_projectQuotaUsedUp_namesTheProject() {
    Authorizer quota =
        authorizer(
            store.reader(),
            List.of(new KeyLimit(new RateLimitSpec(1, Duration.ofMinutes(1)), LimitScope.LOCAL)));
    CreatedKey key = create(KeyKind.LIVE, null);
    Call call = new Call(Surface.AUTHORIZE, CLIENT, "");
    assertInstanceOf(Decision.Allowed.class, decide(quota, key.secret(), call));
    Decision.Denied d = denied(decide(quota, key.secret(), call));
    assertEquals(Reason.RATE_LIMITED, d.reason());
    assertEquals("project acme quota of 1 per 1m (local) reached", d.message());
    assertEquals(
        Map.of(
            "key_id", key.key().id(),
            "limit", "1",
            "period", "1m",
            "scope", "local",
            "subject", "project",
            "project", "acme"),
        d.metadata());
  }

  @Test
  void decide_keyWithAllowlist_onlyFromInsideIt() {
    CreatedKey key = createFenced("192.0.2.0/24");
    assertInstanceOf(Decision.Allowed.class, decide(authorizer, key.secret(), from("192.0.2.200")));
    Decision.Denied outside = denied(decide(authorizer, key.secret(), from("198.51.100.1")));
    assertEquals(Reason.CLIENT_ADDRESS_NOT_ALLOWED, outside.reason());
    assertEquals("the API key may not be used from 198.51.100.1", outside.message());
    assertEquals(
        Map.of("key_id", key.key().id(), "client_address", "198.51.100.1"), outside.metadata());
  }

  @Test
  void decide_keyWithAllowlist_unknownAddressRefused() {
    CreatedKey key = createFenced("192.0.2.0/24");
    Decision.Denied d = denied(decide(authorizer, key.secret(), call()));
    assertEquals(Reason.CLIENT_ADDRESS_NOT_ALLOWED, d.reason());
    assertEquals("the API key may not be used from unknown", d.message());
  }

  @Test
  void decide_addressCheckedBeforeScopes() {
    CreatedKey key = createFenced("192.0.2.0/24");
    Decision d = decide(authorizer, key.secret(), from("198.51.100.1"), List.of("billing:write"));
    assertEquals(Reason.CLIENT_ADDRESS_NOT_ALLOWED, denied(d).reason());
  }
}
