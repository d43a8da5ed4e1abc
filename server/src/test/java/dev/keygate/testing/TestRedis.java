package dev.keygate.testing;

/** A Redis for tests, shared by many tests: each test keeps to its own namespace. */
public interface TestRedis {
  /** {@code redis://host:port}, possibly with credentials when given by the environment. */
  String url();

  /** A namespace no other test of this run uses, e.g. {@code kgtest12ab3f}. */
  String newNamespace();
}
