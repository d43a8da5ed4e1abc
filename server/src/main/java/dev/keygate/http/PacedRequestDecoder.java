package dev.keygate.http;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http.HttpDecoderConfig;
import io.netty.handler.codec.http.HttpRequestDecoder;
import io.netty.handler.codec.http.LastHttpContent;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * The HTTP/1.1 request decoder with a deadline per request (slowloris): from the first byte of a
 * request to its last, at most {@code readTimeout}. An idle timeout cannot do this, as a client
 * that sends a byte now and then is never idle.
 *
 * <p>Whether a request is partly received is counted in bytes, not guessed from events: the bytes
 * received against the bytes the decoder had consumed when it finished the last request. That also
 * catches the start of a next request arriving in the same packet as the end of the previous one.
 * When the deadline passes, {@link #TIMED_OUT} goes down the pipeline; the handler answers 408.
 */
final class PacedRequestDecoder extends HttpRequestDecoder {
  /** The user event fired when a request did not arrive in time. */
  static final Object TIMED_OUT = new Object();

  private final long readTimeoutNanos;
  private long received;
  private long consumed;
  private long lastRequestEnd;
  private ScheduledFuture<?> deadline;

  PacedRequestDecoder(HttpDecoderConfig config, Duration readTimeout) {
    super(config);
    this.readTimeoutNanos = readTimeout.toNanos();
  }

  /** True while part of a request has arrived and the rest has not. */
  boolean partial() {
    return received > lastRequestEnd;
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) throws Exception {
    if (msg instanceof ByteBuf bytes) {
      received += bytes.readableBytes();
    }
    long endBefore = lastRequestEnd;
    super.channelRead(ctx, msg);
    if (lastRequestEnd != endBefore) {
      cancel(); // a request completed: whatever follows is a new request with a deadline of its own
    }
    if (partial() && deadline == null && ctx.channel().isActive()) {
      deadline =
          ctx.executor()
              .schedule(
                  () -> {
                    deadline = null;
                    if (partial()) {
                      ctx.fireUserEventTriggered(TIMED_OUT);
                    }
                  },
                  readTimeoutNanos,
                  TimeUnit.NANOSECONDS);
    }
  }

  @Override
  protected void decode(ChannelHandlerContext ctx, ByteBuf buffer, List<Object> out)
      throws Exception {
    int before = buffer.readerIndex();
    int emitted = out.size();
    super.decode(ctx, buffer, out);
    // one call decodes one step of one request, so its bytes belong to that request
    consumed += buffer.readerIndex() - before;
    for (int i = emitted; i < out.size(); i++) {
      if (out.get(i) instanceof LastHttpContent) {
        lastRequestEnd = consumed;
      }
    }
  }

  @Override
  public void channelInactive(ChannelHandlerContext ctx) throws Exception {
    cancel();
    super.channelInactive(ctx);
  }

  @Override
  protected void handlerRemoved0(ChannelHandlerContext ctx) throws Exception {
    cancel();
    super.handlerRemoved0(ctx);
  }

  private void cancel() {
    if (deadline != null) {
      deadline.cancel(false);
      deadline = null;
    }
  }
}
