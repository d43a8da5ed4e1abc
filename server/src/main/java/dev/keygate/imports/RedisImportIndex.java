package dev.keygate.imports;

import dev.keygate.store.RedisCommands;
import dev.keygate.store.StoreUnavailableException;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import redis.clients.jedis.params.SetParams;

/**
 * {@link ImportIndex} in the key store's Redis and namespace {@code ns}:
 *
 * <ul>
 *   <li>{@code ns:proj:{<project>}:import:<external id>}: STRING key id (in the project's slot);
 *   <li>{@code ns:digest:{<h|s>:<hex digest>}}: STRING key id, {@code h} for keygate's HMAC of a
 *       foreign secret, {@code s} for a legacy SHA-256 not yet upgraded.
 * </ul>
 *
 * <p>Every command touches one key (a claim is {@code SET NX} then, if taken, {@code GET}; a
 * release a compare-and-delete script), so the index works on a standalone server, behind Sentinel
 * and on a Cluster alike.
 */
public final class RedisImportIndex implements ImportIndex {
  private static final String DELETE_IF =
      "if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end return 0";

  private final RedisCommands commands;
  private final String namespace;

  public RedisImportIndex(RedisCommands commands, String namespace) {
    this.commands = commands;
    this.namespace = namespace;
  }

  @Override
  public String claimExternalId(String project, String externalId, String keyId) {
    return claim(extKey(project, externalId), keyId);
  }

  @Override
  public void releaseExternalId(String project, String externalId, String keyId) {
    deleteIf(extKey(project, externalId), keyId);
  }

  @Override
  public String claimDigest(DigestKind kind, byte[] digest, String keyId) {
    return claim(digestKey(kind, digest), keyId);
  }

  @Override
  public Optional<String> findDigest(DigestKind kind, byte[] digest) {
    String key = digestKey(kind, digest);
    return Optional.ofNullable(commands.run(r -> r.get(key)));
  }

  @Override
  public void releaseDigest(DigestKind kind, byte[] digest, String keyId) {
    deleteIf(digestKey(kind, digest), keyId);
  }

  /** The Redis key of an external id (tests look at it). */
  public String extKey(String project, String externalId) {
    return namespace + ":proj:{" + project + "}:import:" + externalId;
  }

  /** The Redis key of a digest entry (tests look at it). */
  public String digestKey(DigestKind kind, byte[] digest) {
    return namespace + ":digest:{" + kind.tag() + ":" + HexFormat.of().formatHex(digest) + "}";
  }

  private String claim(String key, String keyId) {
    return commands.run(
        r -> {
          // a release may delete the entry between SET NX and GET: then try again (bounded)
          for (int attempt = 0; attempt < 3; attempt++) {
            if ("OK".equals(r.set(key, keyId, SetParams.setParams().nx()))) {
              return keyId;
            }
            String earlier = r.get(key);
            if (earlier != null) {
              return earlier;
            }
          }
          throw new StoreUnavailableException("import index entry kept changing", null);
        });
  }

  private void deleteIf(String key, String keyId) {
    commands.run(r -> r.eval(DELETE_IF, List.of(key), List.of(keyId)));
  }
}
