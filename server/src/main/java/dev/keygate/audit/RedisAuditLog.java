package dev.keygate.audit;

import dev.keygate.store.LuaScript;
import dev.keygate.store.RedisCommands;
import dev.keygate.store.StoreUnavailableException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Function;
import redis.clients.jedis.UnifiedJedis;
import redis.clients.jedis.params.XAddParams;
import redis.clients.jedis.resps.StreamEntry;

/**
 * Audit trails as Redis Streams: {@code <ns>:proj:{<project>}:events} per project (in the project's
 * Cluster slot, beside its key indexes), {@code <ns>:events} for the global trail and {@code
 * <ns>:{all}:events} for every project's broadcast events ({@link AuditLog#ALL}). Each append is
 * {@code XADD key MAXLEN ~ <maxEvents> * field value …}: Redis trims whole internal nodes, so a
 * trail holds at least {@code maxEvents} entries and at most about one node (100 entries by
 * default, {@code stream-node-max-entries}) more, at O(1) cost per append.
 *
 * <p>Entry fields: {@code t} time millis, {@code a} action, {@code o} outcome, {@code ac} actor,
 * {@code k} key id, {@code p} project, {@code r} request id, {@code s} surface, {@code d} dropped
 * failures before this sample. Empty fields are omitted.
 *
 * <p>Every command touches one stream (the {@code append_once} script also its marker, which shares
 * the stream's hash tag), so the log works on a standalone server, behind Sentinel and on a Redis
 * Cluster alike; a broadcast event is therefore two appends, not one atomic one.
 */
public final class RedisAuditLog implements AuditLog {
  private static final int MAX_BATCH = 500;

  private final RedisCommands commands;
  private final String namespace;
  private final int maxEvents;
  private final LongAdder errors = new LongAdder();

  /**
   * @param commands the key store's client ({@code RedisKeyStore.auditLog}), which the store closes
   */
  public RedisAuditLog(RedisCommands commands, String namespace, int maxEvents) {
    if (maxEvents < 1) {
      throw new IllegalArgumentException("maxEvents must be at least 1");
    }
    this.commands = commands;
    this.namespace = namespace;
    this.maxEvents = maxEvents;
  }

  /**
   * The stream holding a project's trail; "" = the global trail, {@link #ALL} = every project's
   * broadcast events (hash-tagged, so its once-markers share its slot).
   */
  public String streamKey(String project) {
    if (project.equals(ALL)) {
      return namespace + ":{all}:events";
    }
    return project.isEmpty() ? namespace + ":events" : namespace + ":proj:{" + project + "}:events";
  }

  /** The client and namespace of this log, for the event machinery beside it. */
  public RedisCommands commands() {
    return commands;
  }

  public String namespace() {
    return namespace;
  }

  /**
   * The project's trail, then (for a broadcast event) {@link #ALL}: two commands, as the streams
   * live in different Cluster slots. If Redis fails between them the event is in its project's
   * trail only (the failure is thrown and counted).
   */
  @Override
  public AuditEvent append(AuditEvent e) {
    AuditEvent stored = appendTo(e.project(), e);
    if (e.broadcast()) {
      appendTo(ALL, e);
    }
    return stored;
  }

  @Override
  public boolean appendOnce(String onceKey, AuditEvent e) {
    if (e.project().isEmpty()) {
      throw new IllegalArgumentException("appendOnce needs an event of a project");
    }
    boolean first = appendOnceTo(e.project(), onceKey, e);
    if (e.broadcast()) {
      appendOnceTo(ALL, onceKey, e);
    }
    return first;
  }

  @Override
  public List<AuditEvent> after(String trail, String afterId, int max) {
    if (max < 1 || max > MAX_READ || !EventIds.valid(afterId)) {
      throw new IllegalArgumentException("bad read of " + max + " after " + afterId);
    }
    return withJedis(
        j ->
            j.xrange(streamKey(trail), "(" + afterId, "+", max).stream()
                .map(entry -> decode(entry.getID().toString(), entry.getFields()))
                .toList());
  }

  @Override
  public String newestId(String trail) {
    List<StreamEntry> last = withJedis(j -> j.xrevrange(streamKey(trail), "+", "-", 1));
    return last.isEmpty() ? EventIds.START : last.get(0).getID().toString();
  }

  @Override
  public String oldestId(String trail) {
    List<StreamEntry> first = withJedis(j -> j.xrange(streamKey(trail), "-", "+", 1));
    return first.isEmpty() ? "" : first.get(0).getID().toString();
  }

  /**
   * Once per marker: the marker and the stream share a slot, so checking the marker, appending and
   * setting the marker is one atomic script.
   */
  private static final LuaScript APPEND_ONCE = LuaScript.resource("append_once");

  private boolean appendOnceTo(String trail, String onceKey, AuditEvent e) {
    String stream = streamKey(trail);
    // the marker takes the stream's hash tag: "<ns>:proj:{p}:events" -> "<ns>:proj:{p}:once:<key>"
    String marker = stream.substring(0, stream.length() - "events".length()) + "once:" + onceKey;
    List<String> args = new ArrayList<>();
    args.add(Long.toString(ONCE_MARKER_TTL.toMillis()));
    args.add(Integer.toString(maxEvents));
    fields(e)
        .forEach(
            (k, v) -> {
              args.add(k);
              args.add(v);
            });
    Object added = withJedis(j -> APPEND_ONCE.eval(j, List.of(marker, stream), args));
    return Long.valueOf(1).equals(added);
  }

  /** Events kept per trail (approximately: {@code MAXLEN ~}). */
  public int maxEvents() {
    return maxEvents;
  }

  /**
   * The entry fields of {@code e} as the flat field/value list an {@code XADD} takes, for a script
   * that appends the event together with the change it records.
   */
  public static List<String> entryFields(AuditEvent e) {
    List<String> flat = new ArrayList<>();
    fields(e)
        .forEach(
            (k, v) -> {
              flat.add(k);
              flat.add(v);
            });
    return flat;
  }

  /** Appends {@code e} to {@code trail} only (no broadcast); see {@link #append}. */
  public AuditEvent appendTo(String trail, AuditEvent e) {
    XAddParams params = XAddParams.xAddParams().maxLen(maxEvents).approximateTrimming();
    String id = withJedis(j -> j.xadd(streamKey(trail), params, fields(e))).toString();
    return e.withId(id);
  }

  private static Map<String, String> fields(AuditEvent e) {
    Map<String, String> fields = new LinkedHashMap<>();
    fields.put("t", Long.toString(e.time().toEpochMilli()));
    fields.put("a", e.action());
    fields.put("o", e.outcome());
    putIfSet(fields, "ac", e.actor());
    putIfSet(fields, "k", e.keyId());
    putIfSet(fields, "p", e.project());
    putIfSet(fields, "r", e.requestId());
    putIfSet(fields, "s", e.surface());
    if (e.droppedBefore() > 0) {
      fields.put("d", Long.toString(e.droppedBefore()));
    }
    return fields;
  }

  @Override
  public EventPage list(String project, EventQuery query) {
    query.position(); // validates the token before any I/O
    String key = streamKey(project);
    return withJedis(
        jedis -> {
          List<AuditEvent> page = new ArrayList<>();
          String end = query.pageToken().isEmpty() ? "+" : "(" + query.pageToken();
          String last = "";
          int scanned = 0;
          while (true) {
            // one more entry than still needed, so a full page knows whether older ones remain
            int batch =
                Math.min(
                    Math.min(query.pageSize() - page.size(), EventQuery.MAX_SCAN - scanned) + 1,
                    MAX_BATCH);
            List<StreamEntry> entries = jedis.xrevrange(key, end, "-", batch);
            for (StreamEntry entry : entries) {
              if (page.size() == query.pageSize() || scanned == EventQuery.MAX_SCAN) {
                return new EventPage(page, last);
              }
              scanned++;
              last = entry.getID().toString();
              AuditEvent event = decode(last, entry.getFields());
              if (query.matches(event)) {
                page.add(event);
              }
            }
            if (entries.size() < batch) {
              return new EventPage(page, "");
            }
            end = "(" + last;
          }
        });
  }

  /** Entries in a trail now (tests, operations). */
  public long length(String project) {
    return withJedis(j -> j.xlen(streamKey(project)));
  }

  /** Redis failures seen by this log since start (a metric). */
  public long errors() {
    return errors.sum();
  }

  @Override
  public String describe() {
    return "redis streams (" + streamKey("<project>") + ", MAXLEN ~ " + maxEvents + ")";
  }

  private static AuditEvent decode(String id, Map<String, String> f) {
    String time = f.getOrDefault("t", "0");
    long dropped;
    try {
      dropped = Long.parseLong(f.getOrDefault("d", "0"));
    } catch (NumberFormatException e) {
      dropped = 0;
    }
    Instant at;
    try {
      at = Instant.ofEpochMilli(Long.parseLong(time));
    } catch (NumberFormatException e) {
      // an entry added by hand: fall back to the stream id's time
      at = Instant.ofEpochMilli(Long.parseLong(id.substring(0, id.indexOf('-'))));
    }
    return new AuditEvent(
        id,
        at,
        f.getOrDefault("a", ""),
        f.getOrDefault("o", ""),
        f.get("ac"),
        f.get("k"),
        f.get("p"),
        f.get("r"),
        f.get("s"),
        dropped);
  }

  private static void putIfSet(Map<String, String> fields, String name, String value) {
    if (!value.isEmpty()) {
      fields.put(name, value);
    }
  }

  private <T> T withJedis(Function<UnifiedJedis, T> call) {
    try {
      return commands.run(call);
    } catch (StoreUnavailableException e) {
      errors.increment();
      throw e;
    }
  }
}
