package dev.keygate.leak;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParseException;
import com.google.gson.JsonParser;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * One match of a secret-scanning report: GitHub's body is a JSON array of {@code {"token", "type",
 * "url", "source"}}. Holds a secret: never log {@link #token()}; {@link #toString()} leaves it out.
 *
 * @param token the string found (maybe a keygate key, maybe not)
 * @param type the token type name registered with GitHub
 * @param url where it was found ("" when GitHub gave none)
 * @param source where GitHub looked (content, commit, pull_request, …; "" when none)
 */
public record FoundToken(String token, String type, String url, String source) {

  /** Most matches in one report; GitHub batches far fewer. */
  static final int MAX_TOKENS = 1000;

  /** Longest string field accepted. */
  static final int MAX_FIELD = 2048;

  /**
   * Parses a report body.
   *
   * @throws IllegalArgumentException naming what is wrong (never quoting a token)
   */
  static List<FoundToken> parseReport(byte[] body) {
    String text;
    try {
      text =
          StandardCharsets.UTF_8
              .newDecoder()
              .onMalformedInput(CodingErrorAction.REPORT)
              .decode(ByteBuffer.wrap(body))
              .toString();
    } catch (CharacterCodingException e) {
      throw new IllegalArgumentException("the body is not UTF-8");
    }
    JsonArray array;
    try {
      JsonElement root = JsonParser.parseString(text);
      if (!root.isJsonArray()) {
        throw new IllegalArgumentException("the body must be a JSON array of matches");
      }
      array = root.getAsJsonArray();
    } catch (JsonParseException e) {
      throw new IllegalArgumentException("the body is not JSON");
    }
    if (array.isEmpty() || array.size() > MAX_TOKENS) {
      throw new IllegalArgumentException("the report must hold 1-" + MAX_TOKENS + " matches");
    }
    List<FoundToken> found = new ArrayList<>(array.size());
    for (int i = 0; i < array.size(); i++) {
      String where = "[" + i + "]";
      if (!array.get(i).isJsonObject()) {
        throw new IllegalArgumentException(where + " must be an object");
      }
      JsonObject match = array.get(i).getAsJsonObject();
      found.add(
          new FoundToken(
              field(match, "token", where, true),
              field(match, "type", where, true),
              field(match, "url", where, false),
              field(match, "source", where, false)));
    }
    return found;
  }

  private static String field(JsonObject match, String name, String where, boolean required) {
    JsonElement value = match.get(name);
    if (value == null || value.isJsonNull()) {
      if (required) {
        throw new IllegalArgumentException(where + "." + name + " is required");
      }
      return "";
    }
    if (!value.isJsonPrimitive() || !value.getAsJsonPrimitive().isString()) {
      throw new IllegalArgumentException(where + "." + name + " must be a string");
    }
    String s = value.getAsString();
    if ((required && s.isEmpty()) || s.length() > MAX_FIELD) {
      throw new IllegalArgumentException(
          where + "." + name + " must be 1-" + MAX_FIELD + " characters");
    }
    return s;
  }

  @Override
  public String toString() {
    return "FoundToken[type="
        + type
        + ", url="
        + url
        + ", source="
        + source
        + ", token=<redacted>]";
  }
}
