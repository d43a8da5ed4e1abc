package dev.keygate.store;

import dev.keygate.key.ApiKeyRecord;
import java.util.List;

/**
 * One page of keys.
 *
 * @param keys the keys, oldest first
 * @param nextPageToken token for the next page, "" when this is the last
 */
public record KeyPage(List<ApiKeyRecord> keys, String nextPageToken) {
  public KeyPage {
    keys = List.copyOf(keys);
  }
}
