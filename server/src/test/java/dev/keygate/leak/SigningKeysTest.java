package dev.keygate.leak;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import org.junit.jupiter.api.Test;

/** Signature checks: only the named key's signature of exactly this body verifies. */
class SigningKeysTest {
  @Test
  void verifies_onlyTheNamedKeysSignatureOfThisBody() throws Exception {
    KeyPair github = LeakedKeyEndpointTest.newP256();
    SigningKeys keys = SigningKeys.parse(LeakedKeyEndpointTest.publicKeysJson("k1", github));
    byte[] body = "[{\"token\":\"t\",\"type\":\"x\"}]".getBytes(StandardCharsets.UTF_8);
    String signature = LeakedKeyEndpointTest.sign(github, body);

    assertTrue(keys.verifies("k1", signature, body));
    assertFalse(keys.verifies("k2", signature, body), "another identifier");
    assertFalse(
        keys.verifies("k1", signature, "[{\"token\":\"u\",\"type\":\"x\"}]".getBytes()),
        "another body");
    assertFalse(keys.verifies("k1", "not base64 !!", body), "not base64");
    assertFalse(keys.verifies("k1", "AAAA", body), "not a DER signature");
    assertFalse(keys.verifies("k1", "A".repeat(10_000), body), "oversized header");
  }
}
