package dev.keygate.store;

import dev.keygate.testing.RedisClusterSetup;
import dev.keygate.testing.RedisDeploymentsExtension;
import org.junit.jupiter.api.extension.ExtendWith;

/** The store contract on a real six-node Redis Cluster, plus the crash repair of create. */
@ExtendWith(RedisDeploymentsExtension.class)
class ClusterKeyStoreTest extends RedisDeploymentContract {
  private final RedisClusterSetup deployment;

  ClusterKeyStoreTest(RedisClusterSetup deployment) {
    this.deployment = deployment;
  }

  @Override
  protected String url() {
    return deployment.url();
  }

  @Override
  protected String namespacePrefix() {
    return "kgcl";
  }
}
