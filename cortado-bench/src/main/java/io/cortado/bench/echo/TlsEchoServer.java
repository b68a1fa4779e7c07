package io.cortado.bench.echo;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.IoHandlerFactory;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.ServerChannel;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslProvider;

import javax.net.ssl.SSLContext;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.ServerSocketChannel;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.util.List;

/**
 * The W12 ({@code tls_echo}) echo servers: {@link EchoServer}'s shapes over TLS 1.3 with
 * {@code TLS_AES_128_GCM_SHA256} and the JDK's provider (see {@link BenchTls}); one process, one implementation, one
 * I/O thread, listening on 127.0.0.1.
 *
 * <pre>
 *   java -cp benchmarks.jar io.cortado.bench.echo.TlsEchoServer &lt;impl&gt; &lt;port&gt; &lt;cert-dir&gt;
 * </pre>
 * Prints {@code READY <port>} once it listens, then echoes until its standard input ends. Implementations:
 * <ul>
 *   <li>{@code nio}: the ceiling, a minimal single-threaded {@link Selector} loop with an {@code SSLEngine} per
 *       connection ({@link TlsConn}): unwraps what arrived into one buffer, wraps it back as one record, writes;
 *       stops reading a connection while its encrypted output waits for the socket.</li>
 *   <li>{@code netty-nio}, {@code netty-epoll}: Netty 4.2, ONE event loop, {@code SslHandler} from an
 *       {@code SslContext} built with {@code SslProvider.JDK}, then {@link EchoServer}'s echo handler (write on
 *       read, flush on read-complete).</li>
 *   <li>{@code cortado}: Cortado's runtime with one worker, {@code TlsAcceptor} over {@code TcpStream}; see
 *       {@link CortadoTlsEchoServer}.</li>
 * </ul>
 */
public final class TlsEchoServer {
    private static final int BACKLOG = 1024;

    private TlsEchoServer() {
    }

    public static void main(String[] args) throws Exception {
        if (args.length != 3) {
            System.err.println("usage: TlsEchoServer <nio|netty-nio|netty-epoll|cortado> <port> <cert-dir>");
            System.exit(2);
        }
        String impl = args[0];
        InetSocketAddress addr = new InetSocketAddress("127.0.0.1", Integer.parseInt(args[1]));
        Path certs = Path.of(args[2]);
        int port = switch (impl) {
            case "nio" -> nio(addr, BenchTls.serverContext(certs));
            case "netty-nio" -> netty(addr, certs, NioIoHandler.newFactory(), NioServerSocketChannel.class);
            case "netty-epoll" -> {
                Epoll.ensureAvailability();
                yield netty(addr, certs, EpollIoHandler.newFactory(), EpollServerSocketChannel.class);
            }
            case "cortado" -> CortadoTlsEchoServer.start(addr, certs);
            default -> throw new IllegalArgumentException("unknown impl " + impl);
        };
        System.out.println("READY " + port);
        System.out.flush();
        InputStream in = System.in;
        byte[] sink = new byte[256];
        while (in.read(sink) >= 0) {
            // anything written to stdin is ignored; its end stops the server
        }
        System.exit(0);
    }

    // ---------------------------------------------------------------------------------------------------- nio

    private static int nio(InetSocketAddress addr, SSLContext context) throws IOException {
        ServerSocketChannel server = ServerSocketChannel.open();
        server.bind(addr, BACKLOG);
        server.configureBlocking(false);
        Selector selector = Selector.open();
        server.register(selector, SelectionKey.OP_ACCEPT);
        // one record's plaintext at most: its encryption always fits the connection's empty output buffer
        ByteBuffer app = ByteBuffer.allocateDirect(BenchTls.engine(context, false).getSession()
                .getApplicationBufferSize());
        ByteBuffer none = ByteBuffer.allocate(0);
        Thread t = new Thread(() -> {
            try {
                for (; ; ) {
                    selector.select(key -> {
                        if (key.isAcceptable()) {
                            accept(server, selector, context);
                        } else {
                            serve(key, app, none);
                        }
                    });
                }
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }, "tls-echo-nio");
        t.start();
        return server.socket().getLocalPort();
    }

    private static void accept(ServerSocketChannel server, Selector selector, SSLContext context) {
        try {
            java.nio.channels.SocketChannel ch;
            while ((ch = server.accept()) != null) {
                ch.configureBlocking(false);
                ch.setOption(StandardSocketOptions.TCP_NODELAY, true);
                ch.register(selector, SelectionKey.OP_READ, new TlsConn(ch, BenchTls.engine(context, false)));
            }
        } catch (IOException e) {
            System.err.println("accept: " + e);
        }
    }

    private static void serve(SelectionKey key, ByteBuffer app, ByteBuffer none) {
        TlsConn c = (TlsConn) key.attachment();
        try {
            if (!c.handshake() || !c.write(none)) { // handshake messages or an echo still to send, or to read
                key.interestOps(c.hasPendingOutput() ? SelectionKey.OP_WRITE : SelectionKey.OP_READ);
                return;
            }
            do {
                app.clear();
                if (c.read(app) < 0) {
                    c.close();
                    return;
                }
                app.flip();
                if (!c.write(app)) { // the socket is full: wait for it, reading nothing more meanwhile
                    key.interestOps(SelectionKey.OP_WRITE);
                    return;
                }
            } while (c.overflowed());
            key.interestOps(SelectionKey.OP_READ);
        } catch (IOException | RuntimeException e) { // reset by the peer, a bad record, and the like
            c.close();
        }
    }

    // -------------------------------------------------------------------------------------------------- netty

    /** Echoes every buffer back as it comes; one flush per read burst (as {@link EchoServer}'s). */
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

    private static int netty(InetSocketAddress addr, Path certs, IoHandlerFactory io,
                             Class<? extends ServerChannel> channel) throws Exception {
        List<X509Certificate> chain = BenchTls.chain(certs);
        SslContext ssl = SslContextBuilder.forServer(BenchTls.privateKey(certs), chain.toArray(X509Certificate[]::new))
                .sslProvider(SslProvider.JDK)
                .protocols(BenchTls.PROTOCOL)
                .ciphers(List.of(BenchTls.SUITE))
                .build();
        NettyEcho echo = new NettyEcho();
        EventLoopGroup group = new MultiThreadIoEventLoopGroup(1, io); // one loop: accepts and serves
        ChannelFuture bound = new ServerBootstrap()
                .group(group)
                .channel(channel)
                .option(ChannelOption.SO_BACKLOG, BACKLOG)
                .option(ChannelOption.ALLOCATOR, PooledByteBufAllocator.DEFAULT)
                .childOption(ChannelOption.ALLOCATOR, PooledByteBufAllocator.DEFAULT)
                .childOption(ChannelOption.TCP_NODELAY, true)
                .childHandler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        ch.pipeline().addLast(ssl.newHandler(ch.alloc()), echo);
                    }
                })
                .bind(addr)
                .sync();
        return ((InetSocketAddress) bound.channel().localAddress()).getPort();
    }
}
