/**
 * Networking on the runtime's reactor: TCP ({@link io.cortado.net.TcpListener}, {@link io.cortado.net.TcpStream}),
 * UDP ({@link io.cortado.net.UdpSocket}) and Unix domain sockets ({@link io.cortado.net.UnixListener},
 * {@link io.cortado.net.UnixStream}).
 */
package io.cortado.net;
