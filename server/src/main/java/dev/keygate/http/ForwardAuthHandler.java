package dev.keygate.http;

import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.DecoderResult;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.TooLongHttpHeaderException;
import io.netty.handler.codec.http.TooLongHttpLineException;
import io.netty.handler.timeout.IdleStateEvent;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.Map;
import java.util.concurrent.CompletionStage;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One connection's auth requests: each is checked, handed to {@link HttpAuthorization}, and
 * answered on this channel's event loop when its decision completes — in request order, because
 * HTTP/1.1 answers pipelined requests in order while a cache hit completes at once and a miss
 * later. At most {@value #MAX_PIPELINED} requests wait per connection; beyond that the connection
 * stops reading.
 */
final class ForwardAuthHandler extends ChannelInboundHandlerAdapter {
  private static final Logger log = LoggerFactory.getLogger(ForwardAuthHandler.class);

  /** Requests answered out of turn would be answered wrong; these many may wait for their turn. */
  static final int MAX_PIPELINED = 16;

  /** More header fields than any proxy sends; a thousand tiny headers fit in the byte bound. */
  static final int MAX_HEADERS = 128;

  /** The user event that starts a drain: idle connections close, busy ones after their answer. */
  static final Object DRAIN = new Object();

  private final HttpAuthorization authorization;
  private final HttpAuthServer.InFlight inFlight;
  private final ArrayDeque<Slot> slots = new ArrayDeque<>();
  private boolean draining;

  /** One request's place in the answer order. */
  private static final class Slot {
    FullHttpResponse response;
    boolean close;
  }

  ForwardAuthHandler(HttpAuthorization authorization, HttpAuthServer.InFlight inFlight) {
    this.authorization = authorization;
    this.inFlight = inFlight;
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    if (!(msg instanceof FullHttpRequest request)) {
      ctx.fireChannelRead(msg);
      return;
    }
    try {
      handle(ctx, request);
    } finally {
      request.release(); // everything needed was copied out; bodies are never read
    }
  }

  private void handle(ChannelHandlerContext ctx, FullHttpRequest request) {
    Slot slot = new Slot();
    slots.add(slot);
    if (slots.size() >= MAX_PIPELINED) {
      ctx.channel().config().setAutoRead(false);
    }
    HttpAnswer problem = problem(request);
    if (problem != null) {
      complete(ctx, slot, problem, true);
      return;
    }
    boolean keepAlive = HttpUtil.isKeepAlive(request);
    HttpHeaders headers = request.headers();
    inFlight.start();
    CompletionStage<HttpAnswer> answer;
    try {
      answer =
          authorization.answer(
              request.method().name(),
              request.uri(),
              name -> headers.getAll(name),
              ctx.channel().remoteAddress());
    } catch (RuntimeException e) {
      inFlight.end();
      log.error("auth request failed: {}", e.getClass().getName());
      complete(ctx, slot, HttpAnswers.internal(), true);
      return;
    }
    answer.whenComplete(
        (result, failure) -> {
          HttpAnswer a = result;
          if (failure != null) {
            // messages of unexpected failures are not vetted for secrets: never logged
            log.error("auth request failed: {}", failure.getClass().getName());
            a = HttpAnswers.internal();
          }
          HttpAnswer done = a;
          if (ctx.executor().inEventLoop()) {
            finish(ctx, slot, done, !keepAlive);
          } else {
            ctx.executor().execute(() -> finish(ctx, slot, done, !keepAlive));
          }
        });
  }

  private void finish(ChannelHandlerContext ctx, Slot slot, HttpAnswer answer, boolean close) {
    inFlight.end();
    complete(ctx, slot, answer, close);
  }

  /** The status and message refusing the request before any decision; null when it is fine. */
  private static HttpAnswer problem(FullHttpRequest request) {
    DecoderResult result = request.decoderResult();
    if (result.isFailure()) {
      if (result.cause() instanceof TooLongHttpHeaderException) {
        return HttpAnswers.badRequest(431, "the request's headers are too large");
      }
      if (result.cause() instanceof TooLongHttpLineException) {
        return HttpAnswers.badRequest(414, "the request line is too long");
      }
      return HttpAnswers.badRequest(400, "the request is not valid HTTP/1.1");
    }
    if (request.headers().size() > MAX_HEADERS) {
      return HttpAnswers.badRequest(
          431, "the request has more than " + MAX_HEADERS + " header fields");
    }
    if (request.headers().getAll(HttpHeaderNames.HOST).size() != 1) {
      return HttpAnswers.badRequest(400, "the request needs exactly one Host header");
    }
    return null;
  }

  private void complete(ChannelHandlerContext ctx, Slot slot, HttpAnswer answer, boolean close) {
    slot.response = toResponse(answer);
    slot.close = close || draining;
    while (!slots.isEmpty() && slots.peek().response != null) {
      Slot next = slots.poll();
      if (next.close) {
        next.response.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
        ctx.writeAndFlush(next.response).addListener(ChannelFutureListener.CLOSE);
        slots.clear();
        return;
      }
      ctx.writeAndFlush(next.response);
    }
    if (slots.size() < MAX_PIPELINED && !ctx.channel().config().isAutoRead()) {
      ctx.channel().config().setAutoRead(true);
    }
  }

  private static FullHttpResponse toResponse(HttpAnswer answer) {
    byte[] body = answer.body().getBytes(StandardCharsets.UTF_8);
    FullHttpResponse response =
        new DefaultFullHttpResponse(
            io.netty.handler.codec.http.HttpVersion.HTTP_1_1,
            HttpResponseStatus.valueOf(answer.status()),
            Unpooled.wrappedBuffer(body));
    for (Map.Entry<String, String> h : answer.headers()) {
      response.headers().set(h.getKey(), h.getValue());
    }
    response.headers().setInt(HttpHeaderNames.CONTENT_LENGTH, body.length);
    return response;
  }

  @Override
  public void userEventTriggered(ChannelHandlerContext ctx, Object event) {
    if (event == PacedRequestDecoder.TIMED_OUT) {
      if (slots.isEmpty()) {
        // nothing is owed: say why before closing
        Slot slot = new Slot();
        slots.add(slot);
        complete(
            ctx, slot, HttpAnswers.badRequest(408, "the request did not arrive in time"), true);
      } else {
        ctx.close();
      }
    } else if (event instanceof IdleStateEvent) {
      if (slots.isEmpty()) {
        ctx.close();
      }
    } else if (event == DRAIN) {
      draining = true;
      if (slots.isEmpty() && !partial(ctx)) {
        ctx.close();
      }
    } else {
      ctx.fireUserEventTriggered(event);
    }
  }

  private static boolean partial(ChannelHandlerContext ctx) {
    PacedRequestDecoder decoder = ctx.pipeline().get(PacedRequestDecoder.class);
    return decoder != null && decoder.partial();
  }

  @Override
  public void channelInactive(ChannelHandlerContext ctx) {
    // answers still owed complete later; finish() ends their in-flight count
    ctx.fireChannelInactive();
  }

  @Override
  public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
    // a reset connection or a refused oversized body: nothing to answer, nothing secret to log
    log.debug("http connection closed: {}", cause.getClass().getSimpleName());
    ctx.close();
  }
}
