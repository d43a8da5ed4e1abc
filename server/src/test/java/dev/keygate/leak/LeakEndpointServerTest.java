package dev.keygate.leak;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.keygate.testing.NettyKeygate;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The server as Main starts it opens the leaked-key listener when, and only when, asked. */
class LeakEndpointServerTest {
  @TempDir Path dir;

  @Test
  void start_leakListen_servesTheEndpoint() throws Exception {
    Path keys = dir.resolve("keys.json");
    Files.writeString(
        keys, LeakedKeyEndpointTest.publicKeysJson("k", LeakedKeyEndpointTest.newP256()));
    try (NettyKeygate kg =
        NettyKeygate.start(
            Map.of(
                "KEYGATE_LEAK_LISTEN",
                "127.0.0.1:0",
                "KEYGATE_LEAK_PUBLIC_KEYS_FILE",
                keys.toString()))) {
      assertTrue(kg.server.leakPort() > 0);
      HttpResponse<String> unsigned =
          HttpClient.newHttpClient()
              .send(
                  HttpRequest.newBuilder(
                          URI.create(
                              "http://127.0.0.1:" + kg.server.leakPort() + LeakEndpoint.PATH))
                      .POST(HttpRequest.BodyPublishers.ofString("[]"))
                      .build(),
                  HttpResponse.BodyHandlers.ofString());
      assertEquals(401, unsigned.statusCode());
    }
  }

  @Test
  void start_default_noLeakListener() throws Exception {
    try (NettyKeygate kg = NettyKeygate.start(Map.of())) {
      assertEquals(-1, kg.server.leakPort());
    }
  }
}
