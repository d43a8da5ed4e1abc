package dev.keygate.store;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import redis.clients.jedis.UnifiedJedis;
import redis.clients.jedis.exceptions.JedisNoScriptException;

/**
 * A Lua script run by SHA ({@code EVALSHA}), sent in full ({@code EVAL}) only when Redis does not
 * have it cached. The store's scripts are resources under {@code redis/} on the class path, read
 * once when the class declaring them is loaded, so they can be read, linted and tried with {@code
 * redis-cli --eval} on their own.
 */
public final class LuaScript {
  private final String name;
  private final String source;
  private final String sha;

  private LuaScript(String name, String source) {
    this.name = name;
    this.source = source;
    this.sha = sha1(source);
  }

  /** The script in resource {@code redis/<name>.lua}; a missing resource is a build error. */
  public static LuaScript resource(String name) {
    String path = "/redis/" + name + ".lua";
    try (InputStream in = LuaScript.class.getResourceAsStream(path)) {
      if (in == null) {
        throw new IllegalStateException("missing script resource " + path);
      }
      return new LuaScript(name, new String(in.readAllBytes(), StandardCharsets.UTF_8));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read script resource " + path, e);
    }
  }

  /**
   * The script in resource {@code redis/<name>.lua} after the shared functions of {@code
   * redis/<library>.lua}, for each library in order (Lua has no include).
   */
  static LuaScript resource(String name, String... libraries) {
    StringBuilder source = new StringBuilder();
    for (String library : libraries) {
      source.append(resource(library).source()).append('\n');
    }
    return new LuaScript(name, source.append(resource(name).source()).toString());
  }

  /** A script whose source lives in code (the rate limiter's). */
  static LuaScript of(String name, String source) {
    return new LuaScript(name, source);
  }

  String name() {
    return name;
  }

  String source() {
    return source;
  }

  /** The SHA-1 Redis knows the script by, for pipelined {@code EVALSHA}. */
  String sha() {
    return sha;
  }

  public Object eval(UnifiedJedis redis, List<String> keys, List<String> args) {
    try {
      return redis.evalsha(sha, keys, args);
    } catch (JedisNoScriptException e) {
      // first use on this server, or its script cache was flushed; EVAL also caches it
      return redis.eval(source, keys, args);
    }
  }

  private static String sha1(String source) {
    try {
      return HexFormat.of()
          .formatHex(
              MessageDigest.getInstance("SHA-1").digest(source.getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-1 unavailable", e);
    }
  }
}
