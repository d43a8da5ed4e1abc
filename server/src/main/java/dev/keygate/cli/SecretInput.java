package dev.keygate.cli;

/** Where {@code check} reads a presented key from when no file is named: stdin, or a terminal. */
@FunctionalInterface
public interface SecretInput {
  /**
   * The secret, stripped of surrounding whitespace.
   *
   * @throws CliException (usage) when it is empty or longer than {@link Secrets#MAX_BYTES}
   */
  String read();
}
