package dev.keygate.store;

/**
 * The result of {@link KeyStore#create}.
 *
 * @param status what happened
 * @param keyId the new key's id, or the existing one for {@link Status#DUPLICATE_REQUEST}
 * @param activeKeys the project's active key count when {@link Status#PROJECT_FULL}
 */
public record CreateOutcome(Status status, String keyId, long activeKeys) {
  /** What {@link KeyStore#create} did. */
  public enum Status {
    CREATED,
    DUPLICATE_REQUEST,
    PROJECT_FULL,
    ID_TAKEN
  }

  public static CreateOutcome created(String keyId) {
    return new CreateOutcome(Status.CREATED, keyId, 0);
  }

  public static CreateOutcome duplicate(String existingKeyId) {
    return new CreateOutcome(Status.DUPLICATE_REQUEST, existingKeyId, 0);
  }

  public static CreateOutcome projectFull(long activeKeys) {
    return new CreateOutcome(Status.PROJECT_FULL, null, activeKeys);
  }

  public static CreateOutcome idTaken() {
    return new CreateOutcome(Status.ID_TAKEN, null, 0);
  }
}
