package io.cortado;

import io.cortado.testing.RuntimeTestBase;
import org.junit.jupiter.api.Test;

import java.nio.file.FileSystem;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.io.InputStream;
import java.lang.module.ModuleDescriptor;
import java.util.Set;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

/** The JPMS boundary: only the API packages are exported, and the core requires nothing but JDK modules. */
class ModuleDescriptorTest extends RuntimeTestBase {

    @Test
    void exportsOnlyTheApiAndRequiresOnlyTheJdk() throws Exception {
        ModuleDescriptor d;
        Path classes = Path.of(Future.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        try (FileSystem jar = Files.isDirectory(classes) ? null : FileSystems.newFileSystem(classes);
             InputStream in = Files.newInputStream(jar == null ? classes.resolve("module-info.class")
                     : jar.getPath("module-info.class"))) {
            assertNotNull(in);
            d = ModuleDescriptor.read(in);
        }
        assertEquals("io.cortado", d.name());
        Set<String> exports = d.exports().stream().filter(e -> !e.isQualified())
                .map(ModuleDescriptor.Exports::source).collect(Collectors.toSet());
        Set<String> qualified = d.exports().stream().filter(ModuleDescriptor.Exports::isQualified)
                .map(e -> e.source() + " to " + e.targets()).collect(Collectors.toSet());
        assertEquals(Set.of("io.cortado.internal.sim to [io.cortado.test]"), qualified,
                "only the simulation seams are exported, and only to cortado-test");
        assertEquals(Set.of("io.cortado", "io.cortado.time", "io.cortado.sync", "io.cortado.stream",
                "io.cortado.io", "io.cortado.net", "io.cortado.fs", "io.cortado.process", "io.cortado.signal",
                "io.cortado.trace", "io.cortado.tls"),
                exports, "internal packages must stay hidden");
        Set<String> requires = d.requires().stream().map(ModuleDescriptor.Requires::name).collect(Collectors.toSet());
        assertEquals(Set.of("java.base", "jdk.unsupported", "jdk.jfr"), requires,
                "the core module depends on the JDK only (jdk.unsupported for sun.misc.Signal, jdk.jfr for "
                        + "JfrSubscriber)");
    }
}
