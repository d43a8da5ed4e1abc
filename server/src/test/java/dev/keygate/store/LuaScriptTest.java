package dev.keygate.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.keygate.testing.RedisServerExtension;
import dev.keygate.testing.TestRedis;
import java.net.URI;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import redis.clients.jedis.Jedis;

/** The store's Lua scripts as resources: each loads, and Redis knows it by the SHA we send. */
@ExtendWith(RedisServerExtension.class)
class LuaScriptTest {
  private static final List<String> SCRIPTS =
      List.of(
          "reserve",
          "write_new",
          "release",
          "replace",
          "revive",
          "usage",
          "append_once",
          "claim_due",
          "lease_hold",
          "lease_advance",
          "lease_release");

  private final TestRedis redis;

  LuaScriptTest(TestRedis redis) {
    this.redis = redis;
  }

  @Test
  void resource_shaIsTheOneRedisComputes() {
    try (Jedis jedis = new Jedis(URI.create(redis.url()))) {
      for (String name : SCRIPTS) {
        LuaScript script = LuaScript.resource(name);
        assertTrue(script.source().contains("redis.call"), name);
        // SCRIPT LOAD compiles it too: a syntax error in the resource fails here
        assertEquals(jedis.scriptLoad(script.source()), script.sha(), name);
      }
    }
  }

  @Test
  void resource_withALibrary_loadsAsOneScriptWithItsFunctionsFirst() {
    try (Jedis jedis = new Jedis(URI.create(redis.url()))) {
      for (String name : List.of("create", "replace")) {
        LuaScript script = LuaScript.resource(name, "lib/trail");
        String library = LuaScript.resource("lib/trail").source();
        assertTrue(script.source().startsWith(library), name);
        assertTrue(script.source().endsWith(LuaScript.resource(name).source()), name);
        // compiled by Redis: the script's calls of the library's functions resolve
        assertEquals(jedis.scriptLoad(script.source()), script.sha(), name);
      }
    }
  }

  @Test
  void resource_missing_failsNamingIt() {
    IllegalStateException e =
        assertThrows(IllegalStateException.class, () -> LuaScript.resource("no_such_script"));
    assertTrue(e.getMessage().contains("redis/no_such_script.lua"), e.getMessage());
  }
}
