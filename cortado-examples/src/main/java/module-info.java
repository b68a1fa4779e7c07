/** Runnable Cortado examples. A named module, so it sees only what {@code io.cortado} exports. */
module io.cortado.examples {
    requires io.cortado;
    requires io.cortado.async;
    requires io.cortado.http;
    requires org.bouncycastle.pkix;     // SelfSigned: the certificate builder (the JDK signs)
    requires org.bouncycastle.provider;
}
