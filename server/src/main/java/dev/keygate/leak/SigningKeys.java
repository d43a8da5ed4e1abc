package dev.keygate.leak;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParseException;
import com.google.gson.JsonParser;
import dev.keygate.config.ConfigException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PublicKey;
import java.security.Signature;
import java.security.interfaces.ECPublicKey;
import java.security.spec.X509EncodedKeySpec;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * GitHub's secret-scanning signing keys, by key identifier: ECDSA P-256 public keys as {@code
 * https://api.github.com/meta/public_keys/secret_scanning} lists them ({@code {"public_keys":
 * [{"key_identifier": "...", "key": "-----BEGIN PUBLIC KEY-----...", "is_current": true}]}}). Every
 * listed key verifies (GitHub signs with the current one and lists retired ones for a while).
 */
public final class SigningKeys {
  /** No keys: every signature fails (the endpoint is off). */
  public static final SigningKeys NONE = new SigningKeys(Map.of());

  /** Largest public keys file read (GitHub's is about 1 KiB). */
  static final int MAX_FILE_BYTES = 64 << 10;

  /** Longest base64 signature header accepted (a DER P-256 signature is at most 72 bytes). */
  static final int MAX_SIGNATURE_CHARS = 256;

  private final Map<String, PublicKey> keys;

  private SigningKeys(Map<String, PublicKey> keys) {
    this.keys = Map.copyOf(keys);
  }

  /**
   * Reads the keys file.
   *
   * @throws ConfigException naming {@code KEYGATE_LEAK_PUBLIC_KEYS_FILE} when it cannot be used
   */
  public static SigningKeys load(Path file) {
    byte[] bytes;
    try {
      if (Files.size(file) > MAX_FILE_BYTES) {
        throw new ConfigException(
            "KEYGATE_LEAK_PUBLIC_KEYS_FILE is larger than " + MAX_FILE_BYTES + " bytes");
      }
      bytes = Files.readAllBytes(file);
    } catch (IOException e) {
      throw new ConfigException("KEYGATE_LEAK_PUBLIC_KEYS_FILE cannot be read: " + e.getMessage());
    }
    try {
      return parse(new String(bytes, StandardCharsets.UTF_8));
    } catch (IllegalArgumentException e) {
      throw new ConfigException("KEYGATE_LEAK_PUBLIC_KEYS_FILE: " + e.getMessage());
    }
  }

  /**
   * Parses GitHub's public keys document.
   *
   * @throws IllegalArgumentException naming what is wrong
   */
  public static SigningKeys parse(String json) {
    JsonArray list;
    try {
      JsonElement root = JsonParser.parseString(json);
      if (!root.isJsonObject() || !root.getAsJsonObject().has("public_keys")) {
        throw new IllegalArgumentException("must be an object with a \"public_keys\" array");
      }
      list = root.getAsJsonObject().getAsJsonArray("public_keys");
    } catch (JsonParseException | ClassCastException | IllegalStateException e) {
      throw new IllegalArgumentException("is not GitHub's public keys JSON");
    }
    Map<String, PublicKey> keys = new LinkedHashMap<>();
    for (int i = 0; i < list.size(); i++) {
      String where = "public_keys[" + i + "]";
      if (!list.get(i).isJsonObject()) {
        throw new IllegalArgumentException(where + " must be an object");
      }
      JsonObject entry = list.get(i).getAsJsonObject();
      String id = string(entry, "key_identifier", where);
      keys.put(id, ecKey(string(entry, "key", where), where));
    }
    if (keys.isEmpty()) {
      throw new IllegalArgumentException("lists no public keys");
    }
    return new SigningKeys(keys);
  }

  /** Keys known. */
  public int size() {
    return keys.size();
  }

  /**
   * True if {@code signatureBase64} (the {@code Github-Public-Key-Signature} header: a base64 DER
   * ECDSA signature) is the key {@code identifier}'s signature of {@code body} with SHA-256.
   */
  public boolean verifies(String identifier, String signatureBase64, byte[] body) {
    Optional<PublicKey> key = Optional.ofNullable(keys.get(identifier));
    if (key.isEmpty() || signatureBase64.length() > MAX_SIGNATURE_CHARS) {
      return false;
    }
    try {
      byte[] signature = Base64.getDecoder().decode(signatureBase64.trim());
      Signature verifier = Signature.getInstance("SHA256withECDSA");
      verifier.initVerify(key.get());
      verifier.update(body);
      return verifier.verify(signature);
    } catch (IllegalArgumentException | GeneralSecurityException e) {
      // not base64, not a DER signature: as bad as a wrong one
      return false;
    }
  }

  private static String string(JsonObject entry, String field, String where) {
    JsonElement value = entry.get(field);
    if (value == null || !value.isJsonPrimitive() || !value.getAsJsonPrimitive().isString()) {
      throw new IllegalArgumentException(where + "." + field + " must be a string");
    }
    return value.getAsString();
  }

  private static PublicKey ecKey(String pem, String where) {
    String base64 =
        pem.replace("-----BEGIN PUBLIC KEY-----", "")
            .replace("-----END PUBLIC KEY-----", "")
            .replaceAll("\\s", "");
    try {
      PublicKey key =
          KeyFactory.getInstance("EC")
              .generatePublic(new X509EncodedKeySpec(Base64.getDecoder().decode(base64)));
      if (!(key instanceof ECPublicKey ec)
          || ec.getParams().getCurve().getField().getFieldSize() != 256) {
        throw new IllegalArgumentException(where + ".key must be a P-256 public key");
      }
      return key;
    } catch (IllegalArgumentException | GeneralSecurityException e) {
      throw new IllegalArgumentException(where + ".key must be a PEM ECDSA P-256 public key");
    }
  }
}
