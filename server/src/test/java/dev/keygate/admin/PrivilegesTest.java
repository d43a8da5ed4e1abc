package dev.keygate.admin;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.keygate.error.KeygateException;
import dev.keygate.error.Reason;
import dev.keygate.key.ApiKeyRecord;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The privilege rules one by one, with the exact refusal each gives. */
class PrivilegesTest {
  private static final Instant T = Instant.parse("2026-11-28T12:00:00Z");
  private static final Caller READER =
      new Caller(
          "AAAAAAAAAAAA",
          "acme",
          new Constraints(List.of("keys:write", "tasks:read"), T, List.of()));

  private static ApiKeyRecord key(String project, List<String> scopes) {
    return new ApiKeyRecord.Builder().id("BBBBBBBBBBBB").project(project).scopes(scopes).build();
  }

  @Test
  void visible_otherProjectOrUnknown_sameNotFound() {
    ApiKeyRecord other = key("beta", List.of());
    KeygateException a =
        assertThrows(
            KeygateException.class,
            () -> Privileges.visible(READER, Optional.of(other), "BBBBBBBBBBBB"));
    KeygateException b =
        assertThrows(
            KeygateException.class,
            () -> Privileges.visible(READER, Optional.empty(), "BBBBBBBBBBBB"));
    for (KeygateException e : List.of(a, b)) {
      assertEquals(Reason.KEY_NOT_FOUND, e.reason());
      assertEquals("no key with id BBBBBBBBBBBB", e.getMessage());
      assertEquals(Map.of(), e.metadata());
    }
    ApiKeyRecord own = key("acme", List.of());
    assertSame(own, Privileges.visible(READER, Optional.of(own), "BBBBBBBBBBBB"));
    assertSame(other, Privileges.visible(Caller.ADMIN_TOKEN, Optional.of(other), "BBBBBBBBBBBB"));
  }

  @Test
  void requireProject_otherProject_mismatchNamingBoth() {
    KeygateException e =
        assertThrows(KeygateException.class, () -> Privileges.requireProject(READER, "beta"));
    assertEquals(Reason.PROJECT_MISMATCH, e.reason());
    assertEquals(
        "the calling key belongs to project acme and may not manage keys of project beta",
        e.getMessage());
    Privileges.requireProject(READER, "acme");
  }

  @Test
  void requireHeld_targetWithAScopeTheCallerLacks_refused() {
    KeygateException e =
        assertThrows(
            KeygateException.class,
            () ->
                Privileges.requireHeld(READER, key("acme", List.of("tasks:read", "tasks:write"))));
    assertEquals(Reason.TARGET_SCOPE_NOT_HELD, e.reason());
    assertEquals(
        "key BBBBBBBBBBBB holds tasks:write, which the calling key does not hold", e.getMessage());
    assertEquals(Map.of("scopes", "tasks:write"), e.metadata());
    Privileges.requireHeld(READER, key("acme", List.of("tasks:read")));
  }

  @Test
  void requireGrantable_scopeNotHeld_escalation() {
    KeygateException e =
        assertThrows(
            KeygateException.class,
            () -> Privileges.requireGrantable(READER, List.of("tasks:read", "admin:*")));
    assertEquals(Reason.SCOPE_ESCALATION, e.reason());
    assertEquals("the calling key does not hold admin:* and so cannot grant it", e.getMessage());
    assertEquals(Map.of("scopes", "admin:*"), e.metadata());
  }

  @Test
  void requireNotLooser_scopesAloneAreNotItsConcern() {
    // wider scopes are refused by requireGrantable/requireHeld with their own reasons
    Privileges.requireNotLooser(READER, new Constraints(List.of("admin:*"), T, List.of()));
  }

  @Test
  void requireNotLooser_laterExpiry_loosenedNamingTheField() {
    KeygateException e =
        assertThrows(
            KeygateException.class,
            () ->
                Privileges.requireNotLooser(
                    READER, new Constraints(List.of("admin:*"), T.plusSeconds(1), List.of())));
    assertEquals(Reason.CONSTRAINT_LOOSENED, e.reason());
    assertEquals(Map.of("fields", "expires_at"), e.metadata());
    Privileges.requireNotLooser(
        Caller.ADMIN_TOKEN, new Constraints(List.of("admin:*"), null, List.of()));
  }
}
