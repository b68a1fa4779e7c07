package io.cortado.test;

import io.cortado.test.discovery.Base;
import io.cortado.test.discovery.Concrete;
import io.cortado.test.discovery.NotATest;
import io.cortado.testing.RuntimeTestBase;
import org.junit.jupiter.api.Test;
import org.junit.platform.engine.TestDescriptor;
import org.junit.platform.engine.TestExecutionResult;
import org.junit.platform.engine.discovery.ClassNameFilter;
import org.junit.platform.engine.discovery.DiscoverySelectors;
import org.junit.platform.testkit.engine.EngineTestKit;

import java.net.URISyntaxException;
import java.nio.file.Path;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.platform.engine.discovery.DiscoverySelectors.selectClass;
import static org.junit.platform.engine.discovery.DiscoverySelectors.selectMethod;
import static org.junit.platform.engine.discovery.DiscoverySelectors.selectPackage;
import static org.junit.platform.engine.discovery.DiscoverySelectors.selectUniqueId;

/** Which classes and methods the engine picks up, through each kind of selector. */
class DiscoveryTest extends RuntimeTestBase {
    private static final String ENGINE = "[engine:cortado-test]";
    private static final String CONCRETE = ENGINE + "/[class:" + Concrete.class.getName() + "]";

    @Test
    void aPackageYieldsTheConcreteClassesWithTheirOwnAndInheritedTests() {
        Map<String, TestExecutionResult> outcomes = EngineKit.outcomes(
                EngineKit.execute(selectPackage(Concrete.class.getPackageName())));
        assertEquals(Set.of("inherited", "own"), outcomes.keySet());
        outcomes.values().forEach(EngineKit::assertSucceeded);
    }

    @Test
    void abstractInnerAndUnannotatedClassesAreNoTestClasses() {
        assertEquals(Set.of(), testIds(selectClass(Base.class), selectClass(Concrete.Inner.class),
                selectClass(NotATest.class), selectClass(EngineOutcomeTest.class)));
    }

    @Test
    void aClassYieldsEveryTestAndAMethodOnlyItself() {
        assertEquals(Set.of(CONCRETE + "/[method:inherited()]", CONCRETE + "/[method:own()]"),
                testIds(selectClass(Concrete.class)));
        assertEquals(Set.of(CONCRETE + "/[method:own()]"), testIds(selectMethod(Concrete.class, "own")));
    }

    @Test
    void uniqueIdsSelectWhatTheyName() {
        assertEquals(Set.of(CONCRETE + "/[method:own()]"),
                testIds(selectUniqueId(CONCRETE + "/[method:own()]")));
        assertEquals(Set.of(CONCRETE + "/[method:inherited()]", CONCRETE + "/[method:own()]"),
                testIds(selectUniqueId(CONCRETE)));
        String withParameters = ENGINE + "/[class:" + EngineOutcomeTest.Outcomes.class.getName()
                + "]/[method:injects(io.cortado.Handle,io.cortado.AsyncRuntime,io.cortado.time.Clock)]";
        assertEquals(Set.of(withParameters), testIds(selectUniqueId(withParameters)));
        assertEquals(Set.of(), testIds(selectUniqueId("[engine:junit-jupiter]/[class:" + Concrete.class.getName()
                + "]")));
    }

    @Test
    void aClassPathRootIsScannedForTestClasses() throws URISyntaxException {
        Path testClasses = Path.of(Concrete.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        Set<String> ids = testIds(EngineTestKit.engine(CortadoTestEngine.ENGINE_ID)
                .selectors(DiscoverySelectors.selectClasspathRoots(Set.of(testClasses)))
                .filters(ClassNameFilter.includeClassNamePatterns(".*\\.discovery\\..*")));
        assertEquals(Set.of(CONCRETE + "/[method:inherited()]", CONCRETE + "/[method:own()]"), ids);
    }

    private static Set<String> testIds(org.junit.platform.engine.DiscoverySelector... selectors) {
        return testIds(EngineTestKit.engine(CortadoTestEngine.ENGINE_ID).selectors(selectors));
    }

    /** Discovers without executing and returns the unique ids of the tests. */
    private static Set<String> testIds(EngineTestKit.Builder kit) {
        Set<String> ids = new TreeSet<>();
        TestDescriptor engine = kit.discover().getEngineDescriptor();
        engine.accept(d -> {
            if (d.isTest()) {
                ids.add(d.getUniqueId().toString());
            }
        });
        return ids;
    }
}
