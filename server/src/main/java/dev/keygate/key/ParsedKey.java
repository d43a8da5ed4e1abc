package dev.keygate.key;

/**
 * A presented key that passed the format and checksum checks. It still holds the full secret: never
 * log it or put it in an error; {@link #toString()} shows only the public part.
 *
 * @param secret the whole presented string, the input of the HMAC
 * @param kind the environment spelled in the key
 * @param keyId the public id embedded in the random part, the store lookup key
 */
public record ParsedKey(String secret, KeyKind kind, String keyId) {
  @Override
  public String toString() {
    return "ParsedKey[kind=" + kind + ", keyId=" + keyId + ", secret=<redacted>]";
  }
}
