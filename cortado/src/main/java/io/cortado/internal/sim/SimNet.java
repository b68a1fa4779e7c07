package io.cortado.internal.sim;

import io.cortado.Future;

import java.net.InetAddress;
import java.net.SocketAddress;

/**
 * The seam a simulated network plugs into (module {@code cortado-test}): when a runtime has one, {@code TcpListener},
 * {@code TcpStream} and {@code UdpSocket} made on that runtime talk to it instead of the kernel, so unchanged server
 * code runs against simulated hosts, links and failures. Every method is called on the runtime's single thread.
 */
public interface SimNet {

    /**
     * Binds a TCP listener for the calling task's host.
     *
     * @throws java.io.UncheckedIOException caused by a {@link java.net.BindException} if the address is taken
     */
    SimListener bindTcp(SocketAddress address, int backlog);

    /** @return a lazy future of a connection from the calling task's host to {@code address} */
    Future<SimStream> connectTcp(SocketAddress address);

    /**
     * Resolves a host name in the simulation.
     *
     * @throws java.io.UncheckedIOException caused by an {@link java.net.UnknownHostException} if no host has it
     */
    InetAddress[] lookup(String host);

    /** Binds a UDP socket for the calling task's host. */
    SimDatagram bindUdp(SocketAddress address);
}
