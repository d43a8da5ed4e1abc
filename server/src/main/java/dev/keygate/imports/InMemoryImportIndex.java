package dev.keygate.imports;

import java.util.HexFormat;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/** {@link ImportIndex} beside the in-memory store (bounded by the keys imported, as it is). */
public final class InMemoryImportIndex implements ImportIndex {
  private final Map<String, String> entries = new ConcurrentHashMap<>();

  @Override
  public String claimExternalId(String project, String externalId, String keyId) {
    String earlier = entries.putIfAbsent(ext(project, externalId), keyId);
    return earlier == null ? keyId : earlier;
  }

  @Override
  public void releaseExternalId(String project, String externalId, String keyId) {
    entries.remove(ext(project, externalId), keyId);
  }

  @Override
  public String claimDigest(DigestKind kind, byte[] digest, String keyId) {
    String earlier = entries.putIfAbsent(digest(kind, digest), keyId);
    return earlier == null ? keyId : earlier;
  }

  @Override
  public Optional<String> findDigest(DigestKind kind, byte[] digest) {
    return Optional.ofNullable(entries.get(digest(kind, digest)));
  }

  @Override
  public void releaseDigest(DigestKind kind, byte[] digest, String keyId) {
    entries.remove(digest(kind, digest), keyId);
  }

  private static String ext(String project, String externalId) {
    return "x " + project + " " + externalId;
  }

  private static String digest(DigestKind kind, byte[] digest) {
    return "d " + kind.tag() + " " + HexFormat.of().formatHex(digest);
  }
}
