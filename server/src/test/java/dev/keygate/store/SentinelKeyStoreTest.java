package dev.keygate.store;

import dev.keygate.testing.RedisDeploymentsExtension;
import dev.keygate.testing.RedisSentinelSetup;
import org.junit.jupiter.api.extension.ExtendWith;

/** The store contract on a real Sentinel-managed master, plus the crash repair of create. */
@ExtendWith(RedisDeploymentsExtension.class)
class SentinelKeyStoreTest extends RedisDeploymentContract {
  private final RedisSentinelSetup deployment;

  SentinelKeyStoreTest(RedisSentinelSetup deployment) {
    this.deployment = deployment;
  }

  @Override
  protected String url() {
    return deployment.url();
  }

  @Override
  protected String namespacePrefix() {
    return "kgsn";
  }
}
