package dev.keygate.store;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import redis.clients.jedis.HostAndPort;

/**
 * Where and how to reach Redis, parsed from one URL whose scheme picks the deployment:
 *
 * <ul>
 *   <li>{@code redis://[user:password@]host[:port][/db]} — one server ({@code rediss://} for TLS);
 *   <li>{@code redis+sentinel://[user:password@]s1:port,s2:port/<master name>[/db]} — the master
 *       that the sentinels name, followed across failovers ({@code rediss+sentinel://} for TLS);
 *   <li>{@code redis+cluster://[user:password@]seed1:port,seed2:port} — a Redis Cluster, found from
 *       any of the seeds ({@code rediss+cluster://} for TLS; clusters have no databases).
 * </ul>
 *
 * <p>Credentials in the URL are the ACL user and password of the data nodes. Sentinels are
 * contacted with the same TLS setting and with credentials of their own ({@link
 * #withSentinelCredentials}, from {@code KEYGATE_REDIS_SENTINEL_USERNAME} / {@code _PASSWORD}), or
 * without any. {@link #toString()} and every error message leave the credentials out; errors never
 * quote the URL.
 *
 * @param mode the deployment
 * @param nodes the server, the sentinels, or the cluster seeds
 * @param masterName the sentinel master name; null otherwise
 * @param sentinelUser ACL user for the sentinels; null = none (or the default user)
 * @param sentinelPassword password for the sentinels; null = the sentinels need none
 */
public record RedisEndpoint(
    Mode mode,
    List<HostAndPort> nodes,
    String masterName,
    int database,
    boolean tls,
    String user,
    String password,
    String sentinelUser,
    String sentinelPassword) {

  /** How Redis is deployed. */
  public enum Mode {
    STANDALONE,
    SENTINEL,
    CLUSTER
  }

  static final String SHAPE =
      "redis URL must be redis://[user:password@]host:port[/db], "
          + "redis+sentinel://[user:password@]host:port,host:port/<master>[/db] or "
          + "redis+cluster://[user:password@]host:port,host:port (rediss... for TLS)";
  private static final Pattern URL =
      Pattern.compile("(rediss?)(\\+sentinel|\\+cluster)?://(?:([^@/]*)@)?([^/@]+)(/.*)?");
  private static final Pattern NODE =
      Pattern.compile("(\\[[0-9a-fA-F:.]+]|[A-Za-z0-9_.-]+)(?::(\\d{1,5}))?");
  private static final Pattern MASTER = Pattern.compile("[A-Za-z0-9_.-]{1,64}");

  public RedisEndpoint {
    nodes = List.copyOf(nodes);
  }

  /** Parses a URL of one of the shapes above. */
  public static RedisEndpoint parse(String url) {
    if (url == null) {
      throw new IllegalArgumentException(SHAPE);
    }
    Matcher m = URL.matcher(url);
    if (!m.matches()) {
      throw new IllegalArgumentException(SHAPE);
    }
    boolean tls = m.group(1).equals("rediss");
    Mode mode =
        m.group(2) == null
            ? Mode.STANDALONE
            : m.group(2).equals("+sentinel") ? Mode.SENTINEL : Mode.CLUSTER;
    List<HostAndPort> nodes = new ArrayList<>();
    for (String node : m.group(4).split(",", -1)) {
      Matcher n = NODE.matcher(node);
      if (!n.matches()) {
        throw new IllegalArgumentException(SHAPE);
      }
      int defaultPort = mode == Mode.SENTINEL ? 26379 : 6379;
      int port = n.group(2) == null ? defaultPort : Integer.parseInt(n.group(2));
      if (port < 1 || port > 65535) {
        throw new IllegalArgumentException(SHAPE);
      }
      nodes.add(new HostAndPort(n.group(1).replace("[", "").replace("]", ""), port));
    }
    if (mode == Mode.STANDALONE && nodes.size() != 1) {
      throw new IllegalArgumentException(SHAPE);
    }
    String path = m.group(5) == null ? "" : m.group(5).substring(1);
    String master = null;
    int database = 0;
    List<String> segments = path.isEmpty() ? List.of() : List.of(path.split("/", -1));
    if (mode == Mode.SENTINEL) {
      if (segments.isEmpty() || !MASTER.matcher(segments.get(0)).matches()) {
        throw new IllegalArgumentException(SHAPE);
      }
      master = segments.get(0);
      segments = segments.subList(1, segments.size());
    }
    if (segments.size() > 1 || mode == Mode.CLUSTER && !segments.isEmpty()) {
      throw new IllegalArgumentException(SHAPE);
    }
    if (segments.size() == 1 && !segments.get(0).isEmpty()) {
      try {
        database = Integer.parseInt(segments.get(0));
      } catch (NumberFormatException e) {
        throw new IllegalArgumentException(SHAPE);
      }
      if (database < 0) {
        throw new IllegalArgumentException(SHAPE);
      }
    }
    String user = null;
    String password = null;
    String userInfo = m.group(3);
    if (userInfo != null && !userInfo.isEmpty()) {
      try {
        int colon = userInfo.indexOf(':');
        if (colon < 0) {
          // redis://secret@host is the common shorthand for a password without a user
          password = URLDecoder.decode(userInfo, StandardCharsets.UTF_8);
        } else {
          String u = URLDecoder.decode(userInfo.substring(0, colon), StandardCharsets.UTF_8);
          user = u.isEmpty() ? null : u;
          password = URLDecoder.decode(userInfo.substring(colon + 1), StandardCharsets.UTF_8);
        }
      } catch (IllegalArgumentException e) {
        // not chained: the decoder's message may quote part of the password
        throw new IllegalArgumentException(SHAPE);
      }
    }
    return new RedisEndpoint(mode, nodes, master, database, tls, user, password, null, null);
  }

  /**
   * The same endpoint with credentials from elsewhere (e.g. a mounted file) in place of those of
   * the URL; a null argument keeps the URL's value.
   */
  public RedisEndpoint withCredentials(String newUser, String newPassword) {
    return new RedisEndpoint(
        mode,
        nodes,
        masterName,
        database,
        tls,
        newUser != null ? newUser : user,
        newPassword != null ? newPassword : password,
        sentinelUser,
        sentinelPassword);
  }

  /** The same endpoint with credentials for the sentinels (null = none). */
  public RedisEndpoint withSentinelCredentials(String newUser, String newPassword) {
    return new RedisEndpoint(
        mode, nodes, masterName, database, tls, user, password, newUser, newPassword);
  }

  /** One line for logs: mode, nodes, database, TLS; never credentials. */
  public String describe() {
    StringBuilder s = new StringBuilder("redis");
    switch (mode) {
      case STANDALONE -> s.append(" at ").append(nodes.get(0));
      case SENTINEL ->
          s.append(" sentinel master ").append(masterName).append(" via ").append(join());
      case CLUSTER -> s.append(" cluster via ").append(join());
      default -> throw new IllegalStateException();
    }
    if (mode != Mode.CLUSTER) {
      s.append(" db ").append(database);
    }
    if (tls) {
      s.append(" (tls)");
    }
    return s.toString();
  }

  private String join() {
    return String.join(",", nodes.stream().map(HostAndPort::toString).toList());
  }

  @Override
  public String toString() {
    return "RedisEndpoint[" + describe() + "]";
  }
}
