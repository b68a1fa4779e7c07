package io.cortado.async;

import java.lang.invoke.MethodHandles;
import java.util.Base64;

/**
 * Defines a frame class from inside its host's static initialiser (the Java agent's way of adding classes).
 * <b>For generated code.</b>
 */
public final class FrameDefiner {
    private FrameDefiner() {
    }

    /**
     * @param host   a lookup of the host class (full access: the frame lands in its package and loader)
     * @param base64 the frame's class file in Base64, in chunks
     */
    public static void define(MethodHandles.Lookup host, String... base64) {
        try {
            host.defineClass(Base64.getDecoder().decode(String.join("", base64)));
        } catch (IllegalAccessException e) {
            throw new IllegalStateException("cannot define an async frame in " + host.lookupClass(), e);
        } catch (LinkageError e) {
            // defined already (the class was initialised in another loader attempt): nothing to do
            if (!(e.getMessage() != null && e.getMessage().contains("duplicate"))) {
                throw e;
            }
        }
    }
}
