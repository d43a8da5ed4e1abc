package dev.keygate.config;

/** A setting is missing or invalid; the message names the environment variable. */
public class ConfigException extends RuntimeException {
  public ConfigException(String message) {
    super(message);
  }
}
