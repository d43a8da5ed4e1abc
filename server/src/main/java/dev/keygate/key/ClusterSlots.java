package dev.keygate.key;

import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import redis.clients.jedis.util.JedisClusterCRC16;

/**
 * Key ids that carry their project's Redis Cluster slot: {@code slot(id) == slot(project)}, where a
 * slot is CRC16 (XMODEM) mod 16384, as Redis computes it for the hash tags {@code {<id>}} and
 * {@code {<project>}}. A key's record then shares a slot with its project's indexes and audit
 * trail, so one script can change all of them at once (docs/scaling.md, "Audit atomic with the
 * change").
 *
 * <p>Drawing such an id does not search: CRC16 with a zero initial value is linear, so {@code crc(P
 * + S) = crc(P + "\0\0\0") ^ crc(S)} for a 3-character suffix {@code S}. The first {@value #PREFIX}
 * characters are random; the suffix is picked at random from the suffixes whose CRC completes the
 * target slot, from a table of all 238,328 base62 triples built once (about 1 MB).
 */
final class ClusterSlots {
  static final int SLOTS = 16384;
  private static final int SUFFIX = 3;
  private static final int PREFIX = KeyFormat.ID_LENGTH - SUFFIX;
  private static final int TRIPLES = 62 * 62 * 62;

  private ClusterSlots() {}

  /** The slot Redis Cluster gives the hash tag {@code tag}. */
  static int slot(String tag) {
    return JedisClusterCRC16.getCRC16(tag.getBytes(StandardCharsets.UTF_8)) & (SLOTS - 1);
  }

  /** A random base62 id of {@link KeyFormat#ID_LENGTH} characters whose slot is {@code slot}. */
  static String idInSlot(SecureRandom random, int slot) {
    Table table = Table.INSTANCE;
    String prefix = Base62.random(random, PREFIX);
    byte[] padded = (prefix + "\0\0\0").getBytes(StandardCharsets.US_ASCII);
    int need = (JedisClusterCRC16.getCRC16(padded) ^ slot) & (SLOTS - 1);
    int from = table.offsets[need];
    int count = table.offsets[need + 1] - from;
    return prefix + triple(table.triples[from + random.nextInt(count)]);
  }

  private static String triple(int n) {
    return Base62.encodeFixed(n, SUFFIX);
  }

  /** Every base62 triple, grouped by the low 14 bits of its CRC16. */
  private static final class Table {
    static final Table INSTANCE = new Table();

    final int[] offsets = new int[SLOTS + 1];
    final int[] triples = new int[TRIPLES];

    private Table() {
      int[] low = new int[TRIPLES];
      for (int n = 0; n < TRIPLES; n++) {
        low[n] =
            JedisClusterCRC16.getCRC16(triple(n).getBytes(StandardCharsets.US_ASCII)) & (SLOTS - 1);
        offsets[low[n] + 1]++;
      }
      for (int s = 0; s < SLOTS; s++) {
        offsets[s + 1] += offsets[s];
      }
      for (int s = 0; s < SLOTS; s++) {
        // 8 to 22 triples complete each slot: a fact of CRC16 over base62, checked once here
        if (offsets[s + 1] == offsets[s]) {
          throw new IllegalStateException("no base62 triple completes slot " + s);
        }
      }
      int[] next = java.util.Arrays.copyOf(offsets, SLOTS);
      for (int n = 0; n < TRIPLES; n++) {
        triples[next[low[n]]++] = n;
      }
    }
  }
}
