package io.cortado.bench.echo;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.IoHandlerFactory;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.ServerChannel;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioServerSocketChannel;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;

/**
 * The W9 / W9b echo servers of {@code ../shared/WORKLOADS.md}: one process, one implementation, one I/O thread
 * (where the implementation has such a knob), listening on 127.0.0.1.
 *
 * <pre>
 *   java -cp benchmarks.jar io.cortado.bench.echo.EchoServer &lt;impl&gt; &lt;port&gt;
 * </pre>
 * Prints {@code READY <port>} once it listens ({@code port} 0 picks a free port and prints it), then echoes until it is
 * killed or its standard input ends ({@code -Decho.watchStdin=false}: only until killed). Implementations:
 * <ul>
 *   <li>{@code nio}: the yardstick, a minimal single-threaded {@link Selector} loop; OP_READ always registered, reads
 *       into one direct buffer and writes it back; OP_WRITE only while a write is partial.</li>
 *   <li>{@code netty-nio}, {@code netty-epoll}: Netty 4.2, ONE event loop for accepting and for the connections,
 *       {@code ctx.write(msg)} on read and {@code flush} on read-complete, pooled direct buffers.</li>
 *   <li>{@code vt}: a virtual thread per connection doing blocking {@link Socket} I/O (run it with
 *       {@code -Djdk.virtualThreadScheduler.parallelism=1}).</li>
 *   <li>{@code cortado}: Cortado's runtime with one worker, hand-written poll state machines; see
 *       {@link CortadoEchoServer}.</li>
 * </ul>
 * Every accepted connection gets TCP_NODELAY (Netty's default), so that no implementation waits on Nagle.
 */
public final class EchoServer {
    private static final int BACKLOG = 1024;

    private EchoServer() {
    }

    public static void main(String[] args) throws Exception {
        if (args.length != 2) {
            System.err.println("usage: EchoServer <nio|netty-nio|netty-epoll|vt|cortado> <port>");
            System.exit(2);
        }
        String impl = args[0];
        InetSocketAddress addr = new InetSocketAddress("127.0.0.1", Integer.parseInt(args[1]));
        int port = switch (impl) {
            case "nio" -> nio(addr);
            case "netty-nio" -> netty(addr, NioIoHandler.newFactory(), NioServerSocketChannel.class);
            case "netty-epoll" -> {
                Epoll.ensureAvailability();
                yield netty(addr, EpollIoHandler.newFactory(), EpollServerSocketChannel.class);
            }
            case "vt" -> virtualThreads(addr);
            case "cortado" -> CortadoEchoServer.start(addr);
            default -> throw new IllegalArgumentException("unknown impl " + impl);
        };
        System.out.println("READY " + port);
        System.out.flush();
        if (Boolean.parseBoolean(System.getProperty("echo.watchStdin", "true"))) {
            InputStream in = System.in;
            byte[] sink = new byte[256];
            while (in.read(sink) >= 0) {
                // anything written to stdin is ignored; its end stops the server
            }
            System.exit(0);
        }
        Thread.currentThread().join(); // until killed
    }

    // ---------------------------------------------------------------------------------------------------- nio

    /** Bytes a connection could not write at once, kept until the socket takes them (the rare partial write). */
    private static final class Pending {
        ByteBuffer buf = ByteBuffer.allocate(4096); // write mode: bytes in [0, position)

        void append(ByteBuffer src) {
            if (buf.remaining() < src.remaining()) {
                ByteBuffer bigger = ByteBuffer.allocate(Math.max(buf.capacity() * 2, buf.position() + src.remaining()));
                buf.flip();
                bigger.put(buf);
                buf = bigger;
            }
            buf.put(src);
        }
    }

    private static int nio(InetSocketAddress addr) throws IOException {
        ServerSocketChannel server = ServerSocketChannel.open();
        server.bind(addr, BACKLOG);
        server.configureBlocking(false);
        Selector selector = Selector.open();
        server.register(selector, SelectionKey.OP_ACCEPT);
        ByteBuffer buf = ByteBuffer.allocateDirect(64 * 1024);
        Thread t = new Thread(() -> {
            try {
                for (; ; ) {
                    selector.select(key -> onReady(key, server, selector, buf));
                }
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }, "echo-nio");
        t.start();
        return server.socket().getLocalPort();
    }

    private static void onReady(SelectionKey key, ServerSocketChannel server, Selector selector, ByteBuffer buf) {
        try {
            if (key.isAcceptable()) {
                SocketChannel ch;
                while ((ch = server.accept()) != null) {
                    ch.configureBlocking(false);
                    ch.setOption(StandardSocketOptions.TCP_NODELAY, true);
                    ch.register(selector, SelectionKey.OP_READ);
                }
                return;
            }
            SocketChannel ch = (SocketChannel) key.channel();
            Pending pending = (Pending) key.attachment();
            if (key.isReadable()) {
                buf.clear();
                if (ch.read(buf) < 0) {
                    close(key);
                    return;
                }
                buf.flip();
                if (pending != null) {
                    pending.append(buf); // earlier bytes still wait: keep the order
                } else {
                    ch.write(buf);
                    if (buf.hasRemaining()) {
                        pending = new Pending();
                        pending.append(buf);
                        key.attach(pending);
                        key.interestOps(SelectionKey.OP_READ | SelectionKey.OP_WRITE);
                    }
                }
            }
            if (pending != null && key.isValid() && key.isWritable()) {
                pending.buf.flip();
                ch.write(pending.buf);
                if (pending.buf.hasRemaining()) {
                    pending.buf.compact();
                } else {
                    key.attach(null);
                    key.interestOps(SelectionKey.OP_READ);
                }
            }
        } catch (IOException e) { // reset by the peer, and the like: drop the connection
            close(key);
        }
    }

    private static void close(SelectionKey key) {
        key.cancel();
        try {
            key.channel().close();
        } catch (IOException ignored) {
            // closing anyway
        }
    }

    // -------------------------------------------------------------------------------------------------- netty

    /** Echoes every buffer back as it comes; one flush per read burst. */
    @ChannelHandler.Sharable
    private static final class NettyEcho extends ChannelInboundHandlerAdapter {
        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            ctx.write(msg, ctx.voidPromise());
        }

        @Override
        public void channelReadComplete(ChannelHandlerContext ctx) {
            ctx.flush();
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            ctx.close();
        }
    }

    private static int netty(InetSocketAddress addr, IoHandlerFactory io, Class<? extends ServerChannel> channel)
            throws InterruptedException {
        EventLoopGroup group = new MultiThreadIoEventLoopGroup(1, io); // one loop: accepts and serves
        ChannelFuture bound = new ServerBootstrap()
                .group(group)
                .channel(channel)
                .option(ChannelOption.SO_BACKLOG, BACKLOG)
                .option(ChannelOption.ALLOCATOR, PooledByteBufAllocator.DEFAULT)
                .childOption(ChannelOption.ALLOCATOR, PooledByteBufAllocator.DEFAULT)
                .childOption(ChannelOption.TCP_NODELAY, true)
                .childHandler(new NettyEcho())
                .bind(addr)
                .sync();
        return ((InetSocketAddress) bound.channel().localAddress()).getPort();
    }

    // ----------------------------------------------------------------------------------------- virtual threads

    private static int virtualThreads(InetSocketAddress addr) throws IOException {
        ServerSocket server = new ServerSocket();
        server.bind(addr, BACKLOG);
        Thread.ofVirtual().name("echo-vt-accept").start(() -> {
            try {
                for (; ; ) {
                    Socket s = server.accept();
                    s.setTcpNoDelay(true);
                    Thread.ofVirtual().start(() -> serve(s));
                }
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        });
        return server.getLocalPort();
    }

    private static void serve(Socket s) {
        try (s) {
            InputStream in = s.getInputStream();
            OutputStream out = s.getOutputStream();
            byte[] buf = new byte[16 * 1024];
            int n;
            while ((n = in.read(buf)) > 0) {
                out.write(buf, 0, n);
            }
        } catch (IOException e) {
            // reset by the peer, and the like: the connection ends
        }
    }
}
