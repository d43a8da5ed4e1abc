package dev.keygate.testing;

import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;

/**
 * Resolves {@link RedisClusterSetup} and {@link RedisSentinelSetup} parameters: each is started
 * once per test run, on first use, shared by every test class (each keeps to its own namespace) and
 * stopped when the run ends.
 */
public final class RedisDeploymentsExtension implements ParameterResolver {
  private static final ExtensionContext.Namespace NAMESPACE =
      ExtensionContext.Namespace.create(RedisDeploymentsExtension.class);

  @Override
  public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
    Class<?> type = parameter.getParameter().getType();
    return type == RedisClusterSetup.class || type == RedisSentinelSetup.class;
  }

  @Override
  public Object resolveParameter(ParameterContext parameter, ExtensionContext context) {
    ExtensionContext.Store store = context.getRoot().getStore(NAMESPACE);
    if (parameter.getParameter().getType() == RedisClusterSetup.class) {
      return store.computeIfAbsent(
          RedisClusterSetup.class, k -> RedisClusterSetup.start(), RedisClusterSetup.class);
    }
    return store.computeIfAbsent(
        RedisSentinelSetup.class, k -> RedisSentinelSetup.start(), RedisSentinelSetup.class);
  }
}
