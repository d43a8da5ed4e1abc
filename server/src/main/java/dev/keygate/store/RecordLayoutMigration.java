package dev.keygate.store;

import dev.keygate.key.ApiKeyRecord;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import redis.clients.jedis.Connection;
import redis.clients.jedis.HostAndPort;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.Pipeline;
import redis.clients.jedis.Response;
import redis.clients.jedis.exceptions.JedisException;
import redis.clients.jedis.params.ScanParams;
import redis.clients.jedis.resps.ScanResult;

/**
 * Rewrites records of the old layout in the packed one ({@link RedisRecordCodec}). An old record
 * works as it is and its next update packs it; this packs the rest at once, to reclaim their
 * memory.
 *
 * <p>It SCANs {@code ns:key:*} (hashes only) on every master, {@code batch} keys a round trip,
 * reads each page's hashes in one pipeline, and rewrites each old record with {@code replace.lua}:
 * a compare-and-set on the {@code ver} it read, with the same version and the invalidation. So an
 * admin write in between is never lost (the rewrite is refused and counted; that write packed the
 * record already), and usage counts are kept (replace keeps them). Hashes that are not records, or
 * are malformed, are counted and left alone. Safe to run again, and to run beside live traffic; a
 * failover or resharding meanwhile fails the run with {@link StoreUnavailableException}, and a
 * rerun carries on (packed records are skipped).
 */
public final class RecordLayoutMigration {
  public static final int MAX_BATCH = 1_000;

  /** How many malformed ids a result names, at most. */
  static final int MAX_NAMED = 20;

  /** The script {@link RedisUpdates} replaces records with; its arguments as there. */
  private static final LuaScript REPLACE = LuaScript.resource("replace", "lib/trail");

  /** What happened to one hash. */
  public enum Outcome {
    MIGRATED,
    ALREADY_PACKED,
    /** Changed by someone else between the read and the rewrite: packed by that write. */
    CHANGED_MEANWHILE,
    NOT_A_RECORD,
    MALFORMED,
    /** Deleted between the scan and the rewrite. */
    GONE
  }

  /**
   * A run's counts per outcome.
   *
   * @param malformedIds the first {@value #MAX_NAMED} malformed records' ids (ids are not secret)
   */
  public record Result(Map<Outcome, Long> counts, List<String> malformedIds) {
    public long count(Outcome outcome) {
      return counts.getOrDefault(outcome, 0L);
    }

    /** One line for an operator: every count, and the malformed ids. */
    public String describe() {
      StringBuilder out = new StringBuilder();
      for (Outcome o : Outcome.values()) {
        out.append(out.length() == 0 ? "" : ", ")
            .append(o.name().toLowerCase(Locale.ROOT).replace('_', ' '))
            .append(": ")
            .append(count(o));
      }
      if (!malformedIds.isEmpty()) {
        out.append("; malformed: ").append(String.join(" ", malformedIds));
      }
      return out.toString();
    }
  }

  private final RedisClient client;
  private final RedisNamespace names;

  private RecordLayoutMigration(RedisClient client, RedisNamespace names) {
    this.client = client;
    this.names = names;
  }

  /** The migration of {@code store}'s records (its Redis and namespace). */
  public static RecordLayoutMigration of(RedisKeyStore store) {
    return new RecordLayoutMigration(store.client(), store.names());
  }

  /**
   * One pass over every master.
   *
   * @param batch keys per SCAN and pipeline, 1-{@value #MAX_BATCH}
   * @throws StoreUnavailableException if Redis fails meanwhile (a rerun carries on)
   */
  public Result run(int batch) {
    if (batch < 1 || batch > MAX_BATCH) {
      throw new IllegalArgumentException("batch must be 1-" + MAX_BATCH);
    }
    Map<Outcome, Long> counts = new EnumMap<>(Outcome.class);
    List<String> malformed = new ArrayList<>();
    ScanParams params = new ScanParams().match(names.prefix() + ":key:*").count(batch);
    SubscriptionNodes nodes = client.subscriptionNodes();
    for (HostAndPort master : nodes.current()) {
      try (Connection connection = nodes.connect(master)) {
        Jedis jedis = new Jedis(connection);
        String cursor = ScanParams.SCAN_POINTER_START;
        do {
          ScanResult<String> page = jedis.scan(cursor, params, "hash");
          List<String> keys = page.getResult();
          List<Response<Map<String, String>>> hashes = new ArrayList<>(keys.size());
          try (Pipeline pipeline = jedis.pipelined()) {
            for (String key : keys) {
              hashes.add(pipeline.hgetAll(key));
            }
            pipeline.sync();
          }
          for (int i = 0; i < keys.size(); i++) {
            String id = idOf(keys.get(i));
            Outcome outcome = id == null ? Outcome.NOT_A_RECORD : migrate(id, hashes.get(i).get());
            counts.merge(outcome, 1L, Long::sum);
            if (outcome == Outcome.MALFORMED && malformed.size() < MAX_NAMED) {
              malformed.add(id);
            }
          }
          cursor = page.getCursor();
        } while (!cursor.equals(ScanParams.SCAN_POINTER_START));
      } catch (JedisException e) {
        throw new StoreUnavailableException(
            client.describe() + " unavailable while migrating: " + e.getClass().getSimpleName(), e);
      }
    }
    return new Result(Map.copyOf(counts), List.copyOf(malformed));
  }

  /** Rewrites one hash, read as {@code hash}, if it is an old-layout record. */
  Outcome migrate(String id, Map<String, String> hash) {
    if (hash == null || hash.isEmpty()) {
      return Outcome.GONE;
    }
    if (RedisRecordCodec.isPacked(hash)) {
      return Outcome.ALREADY_PACKED;
    }
    Optional<ApiKeyRecord> record;
    try {
      record = RedisRecordCodec.decode(id, hash);
    } catch (RuntimeException e) {
      return Outcome.MALFORMED;
    }
    if (record.isEmpty()) {
      return Outcome.NOT_A_RECORD;
    }
    List<String> args = new ArrayList<>();
    // the version as read, byte for byte: the script compares strings
    args.add(hash.get("ver"));
    args.add(id);
    args.add(names.invalidationChannel());
    // the record alone: the same key, so no index changes and no audit event (replace.lua's
    // same-slot flag off, its index arguments unused, a trail bound and no event fields)
    args.addAll(List.of("0", "", "", "", "0", "0"));
    RedisRecordCodec.appendFields(args, record.get());
    Object reply = client.run(r -> REPLACE.eval(r, List.of(names.record(id)), args));
    long result = (Long) ((List<?>) reply).get(0);
    return result > 0 ? Outcome.MIGRATED : result == 0 ? Outcome.CHANGED_MEANWHILE : Outcome.GONE;
  }

  /** The id in a record's key name; null for another name the pattern matched. */
  private String idOf(String key) {
    String start = names.prefix() + ":key:{";
    if (!key.startsWith(start) || !key.endsWith("}")) {
      return null;
    }
    String id = key.substring(start.length(), key.length() - 1);
    return id.isEmpty() || !names.record(id).equals(key) ? null : id;
  }
}
