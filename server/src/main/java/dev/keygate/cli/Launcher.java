package dev.keygate.cli;

import java.util.Map;

/** Starts the sidecar for {@code keygate serve}. */
@FunctionalInterface
public interface Launcher {
  /** Runs the server configured by {@code env} until it stops; returns the exit code. */
  int serve(Map<String, String> env) throws InterruptedException;
}
