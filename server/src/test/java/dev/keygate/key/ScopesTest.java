package dev.keygate.key;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

class ScopesTest {
  @Test
  void validate_acceptsResourceActionAndWildcardAction() {
    assertTrue(Scopes.validate("tasks:read").isEmpty());
    assertTrue(Scopes.validate("tasks:*").isEmpty());
    assertTrue(Scopes.validate("admin:*").isEmpty());
    assertTrue(Scopes.validate("billing.v2:export-csv").isEmpty());
  }

  @Test
  void validate_rejectsBadSyntax() {
    for (String bad :
        List.of(
            "",
            "tasks",
            "tasks:",
            ":read",
            "*:read",
            "*:*",
            "Tasks:read",
            "tasks:read:extra",
            "tasks read",
            "tasks:re*d",
            "a:" + "b".repeat(70))) {
      assertTrue(Scopes.validate(bad).isPresent(), bad);
    }
  }

  @Test
  void covers_exactWildcardAndSuperuser() {
    assertTrue(Scopes.covers("tasks:read", "tasks:read"));
    assertTrue(Scopes.covers("tasks:*", "tasks:read"));
    assertTrue(Scopes.covers("tasks:*", "tasks:*"));
    assertTrue(Scopes.covers("admin:*", "billing:refund"));
    assertFalse(Scopes.covers("tasks:read", "tasks:write"));
    assertFalse(Scopes.covers("tasks:read", "tasks:*"));
    assertFalse(Scopes.covers("tasks:*", "taskslist:read"));
    assertFalse(Scopes.covers("task:*", "tasks:read"));
  }

  @Test
  void missing_listsUncoveredInOrder() {
    assertEquals(
        List.of("users:read", "tasks:delete"),
        Scopes.missing(
            List.of("tasks:read", "tasks:write"),
            List.of("users:read", "tasks:read", "tasks:delete")));
    assertEquals(List.of(), Scopes.missing(List.of("tasks:*"), List.of()));
  }
}
