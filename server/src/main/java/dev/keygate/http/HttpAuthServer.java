package dev.keygate.http;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.group.DefaultChannelGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.codec.http.HttpDecoderConfig;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpResponseEncoder;
import io.netty.handler.timeout.IdleStateHandler;
import io.netty.util.concurrent.DefaultThreadFactory;
import io.netty.util.concurrent.GlobalEventExecutor;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The HTTP/1.1 forward-auth listener ({@code KEYGATE_HTTP_LISTEN}): Netty's HTTP codec on an event
 * loop group of its own ({@code KEYGATE_HTTP_THREADS}), so a flood of HTTP auth requests cannot
 * starve the gRPC port, and the reverse. Every request, connection and wait is bounded: header
 * block ({@code KEYGATE_HTTP_MAX_HEADER_BYTES}) and field count, request line, body, time to
 * receive a request ({@code KEYGATE_HTTP_READ_TIMEOUT}), idle keep-alive ({@code
 * KEYGATE_HTTP_IDLE_TIMEOUT}), pipelined requests per connection and connections.
 */
public final class HttpAuthServer implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(HttpAuthServer.class);

  /** Prefix of the event loops' thread names. */
  public static final String THREAD_PREFIX = "keygate-http";

  /** Longest request line: the auth request's own target (Envoy's carries the original path). */
  static final int MAX_INITIAL_LINE = 8 << 10;

  /** Largest body accepted (auth requests carry none; Envoy's with_request_body would). */
  static final int MAX_BODY_BYTES = 8 << 10;

  /** Connections at once; a proxy keeps a few dozen, beyond this a new one is closed at once. */
  static final int MAX_CONNECTIONS = 4096;

  private final EventLoopGroup group;
  private final Channel listener;
  private final ChannelGroup connections;
  private final InFlight inFlight;

  /** Requests waiting for their decision, across connections: what a drain waits for. */
  static final class InFlight {
    private final AtomicInteger count = new AtomicInteger();

    void start() {
      count.incrementAndGet();
    }

    void end() {
      count.decrementAndGet();
    }

    int get() {
      return count.get();
    }
  }

  private HttpAuthServer(
      EventLoopGroup group, Channel listener, ChannelGroup connections, InFlight inFlight) {
    this.group = group;
    this.listener = listener;
    this.connections = connections;
    this.inFlight = inFlight;
  }

  /**
   * Binds and serves.
   *
   * @throws UncheckedIOException when the address cannot be bound
   */
  public static HttpAuthServer start(HttpSettings settings, HttpAuthorization authorization) {
    EventLoopGroup group =
        new MultiThreadIoEventLoopGroup(
            settings.threads(),
            new DefaultThreadFactory(THREAD_PREFIX, true),
            NioIoHandler.newFactory());
    ChannelGroup connections = new DefaultChannelGroup(GlobalEventExecutor.INSTANCE);
    InFlight inFlight = new InFlight();
    HttpDecoderConfig decoder =
        new HttpDecoderConfig()
            .setMaxInitialLineLength(MAX_INITIAL_LINE)
            .setMaxHeaderSize(settings.maxHeaderBytes())
            .setMaxChunkSize(MAX_BODY_BYTES);
    ServerBootstrap bootstrap =
        new ServerBootstrap()
            .group(group)
            .channel(NioServerSocketChannel.class)
            .option(ChannelOption.SO_BACKLOG, 1024)
            .childOption(ChannelOption.TCP_NODELAY, true)
            .childHandler(
                new ChannelInitializer<SocketChannel>() {
                  @Override
                  protected void initChannel(SocketChannel ch) {
                    if (connections.size() >= MAX_CONNECTIONS) {
                      ch.close();
                      return;
                    }
                    connections.add(ch);
                    ChannelPipeline p = ch.pipeline();
                    p.addLast(
                        new IdleStateHandler(
                            0, 0, settings.idleTimeout().toMillis(), TimeUnit.MILLISECONDS));
                    p.addLast(new PacedRequestDecoder(decoder, settings.readTimeout()));
                    p.addLast(new HttpResponseEncoder());
                    p.addLast(new HttpObjectAggregator(MAX_BODY_BYTES));
                    p.addLast(new ForwardAuthHandler(authorization, inFlight));
                  }
                });
    Channel listener;
    try {
      listener =
          bootstrap
              .bind(new InetSocketAddress(settings.listen().host(), settings.listen().port()))
              .syncUninterruptibly()
              .channel();
    } catch (RuntimeException e) {
      group.shutdownGracefully(0, 0, TimeUnit.SECONDS);
      throw new UncheckedIOException(
          "cannot listen for HTTP forward-auth on " + settings.listen() + ": " + e.getMessage(),
          new IOException(e));
    }
    HttpAuthServer server = new HttpAuthServer(group, listener, connections, inFlight);
    log.info(
        "HTTP forward-auth on {}:{} ({} event loops)",
        settings.listen().host(),
        server.port(),
        settings.threads());
    return server;
  }

  /** The bound port. */
  public int port() {
    return ((InetSocketAddress) listener.localAddress()).getPort();
  }

  /**
   * Stops accepting, lets requests waiting for a decision be answered (each with {@code Connection:
   * close}) for up to {@code grace}, then closes every connection and stops the event loops.
   */
  public void drain(Duration grace) {
    listener.close().syncUninterruptibly();
    connections.forEach(ch -> ch.pipeline().fireUserEventTriggered(ForwardAuthHandler.DRAIN));
    long end = System.nanoTime() + grace.toNanos();
    while (inFlight.get() > 0 && System.nanoTime() < end) {
      try {
        Thread.sleep(10);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        break;
      }
    }
    close();
  }

  @Override
  public void close() {
    listener.close().syncUninterruptibly();
    connections.close().awaitUninterruptibly(5, TimeUnit.SECONDS);
    group.shutdownGracefully(0, 1, TimeUnit.SECONDS).awaitUninterruptibly(5, TimeUnit.SECONDS);
  }
}
