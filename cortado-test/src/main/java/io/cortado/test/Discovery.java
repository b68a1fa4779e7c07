package io.cortado.test;

import org.junit.platform.commons.support.AnnotationSupport;
import org.junit.platform.commons.support.HierarchyTraversalMode;
import org.junit.platform.commons.support.ReflectionSupport;
import org.junit.platform.engine.DiscoverySelector;
import org.junit.platform.engine.TestDescriptor;
import org.junit.platform.engine.UniqueId;
import org.junit.platform.engine.discovery.ClassSelector;
import org.junit.platform.engine.discovery.DiscoverySelectors;
import org.junit.platform.engine.discovery.MethodSelector;
import org.junit.platform.engine.discovery.UniqueIdSelector;
import org.junit.platform.engine.support.descriptor.AbstractTestDescriptor;
import org.junit.platform.engine.support.descriptor.ClassSource;
import org.junit.platform.engine.support.descriptor.EngineDescriptor;
import org.junit.platform.engine.support.descriptor.MethodSource;
import org.junit.platform.engine.support.discovery.EngineDiscoveryRequestResolver;
import org.junit.platform.engine.support.discovery.SelectorResolver;
import org.junit.platform.engine.support.hierarchical.Node;

import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Discovery: which classes and methods are {@link CortadoTest}s, and their descriptors.
 *
 * <p>A test class is a concrete top-level or static nested class with at least one method annotated
 * {@code @CortadoTest} (its own or inherited); abstract classes, inner classes and classes without such methods
 * belong to other engines and are not reported. Every annotated method becomes a test, whatever its signature: a
 * method the engine cannot run fails at execution with a message that says why, rather than vanishing.
 *
 * <p>Unique ids: {@code [engine:cortado-test]/[class:com.example.FooTest]/[method:bar(io.cortado.Handle)]}.
 */
final class Discovery {
    static final String CLASS_SEGMENT = "class";
    static final String METHOD_SEGMENT = "method";

    /** Class-path roots, packages and modules become class selectors through the platform's class scanning. */
    static final EngineDiscoveryRequestResolver<EngineDescriptor> RESOLVER =
            EngineDiscoveryRequestResolver.<EngineDescriptor>builder()
                    .addClassContainerSelectorResolver(Discovery::isTestClass)
                    .addSelectorResolver(new Resolver())
                    .build();

    private Discovery() {
    }

    static boolean isTestClass(Class<?> c) {
        int mods = c.getModifiers();
        if (Modifier.isAbstract(mods) || c.isInterface() || c.isAnonymousClass() || c.isLocalClass()
                || c.getEnclosingClass() != null && !Modifier.isStatic(mods)) {
            return false;
        }
        try {
            return !testMethods(c).isEmpty();
        } catch (LinkageError unloadable) {
            return false; // a class of the scanned path whose dependencies are missing cannot hold tests we run
        }
    }

    static List<Method> testMethods(Class<?> c) {
        return ReflectionSupport.findMethods(c, m -> AnnotationSupport.isAnnotated(m, CortadoTest.class),
                HierarchyTraversalMode.TOP_DOWN);
    }

    private static String methodId(Method m) {
        return m.getName() + "(" + Arrays.stream(m.getParameterTypes()).map(Class::getName)
                .collect(Collectors.joining(",")) + ")";
    }

    private static final class Resolver implements SelectorResolver {
        @Override
        public Resolution resolve(ClassSelector selector, Context context) {
            Class<?> c = selector.getJavaClass();
            if (!isTestClass(c)) {
                return Resolution.unresolved();
            }
            return context.addToParent(parent -> Optional.of(new ClassDescriptor(parent.getUniqueId(), c)))
                    .map(d -> Resolution.match(Match.exact(d, () -> testMethods(c).stream()
                            .map(m -> DiscoverySelectors.selectMethod(c, m)).collect(Collectors.toSet()))))
                    .orElse(Resolution.unresolved());
        }

        @Override
        public Resolution resolve(MethodSelector selector, Context context) {
            Class<?> c = selector.getJavaClass();
            Method m = selector.getJavaMethod();
            if (!isTestClass(c) || !AnnotationSupport.isAnnotated(m, CortadoTest.class)) {
                return Resolution.unresolved();
            }
            return context.<TestDescriptor>addToParent(() -> DiscoverySelectors.selectClass(c),
                            parent -> Optional.of(new MethodDescriptor(parent.getUniqueId(), c, m)))
                    .map(d -> Resolution.match(Match.exact(d)))
                    .orElse(Resolution.unresolved());
        }

        @Override
        public Resolution resolve(UniqueIdSelector selector, Context context) {
            List<UniqueId.Segment> segments = selector.getUniqueId().getSegments();
            if (segments.size() < 2 || !segments.getFirst().getValue().equals(CortadoTestEngine.ENGINE_ID)
                    || !segments.get(1).getType().equals(CLASS_SEGMENT)) {
                return Resolution.unresolved();
            }
            String className = segments.get(1).getValue();
            DiscoverySelector s;
            if (segments.size() == 2) {
                s = DiscoverySelectors.selectClass(className);
            } else if (segments.size() == 3 && segments.get(2).getType().equals(METHOD_SEGMENT)) {
                String m = segments.get(2).getValue();
                int paren = m.indexOf('(');
                s = DiscoverySelectors.selectMethod(className, m.substring(0, paren),
                        m.substring(paren + 1, m.length() - 1));
            } else {
                return Resolution.unresolved();
            }
            return Resolution.selectors(Set.of(s));
        }
    }

    /** A test class: a container without behaviour of its own (no class-level lifecycle). */
    static final class ClassDescriptor extends AbstractTestDescriptor implements Node<CortadoTestEngine.RunContext> {
        ClassDescriptor(UniqueId parent, Class<?> c) {
            super(parent.append(CLASS_SEGMENT, c.getName()), c.getSimpleName(), ClassSource.from(c));
        }

        @Override
        public Type getType() {
            return Type.CONTAINER;
        }
    }

    /** A {@code @CortadoTest} method; executing it is a {@link TestRun}. */
    static final class MethodDescriptor extends AbstractTestDescriptor implements Node<CortadoTestEngine.RunContext> {
        private final Class<?> testClass;
        private final Method method;

        MethodDescriptor(UniqueId parent, Class<?> testClass, Method method) {
            super(parent.append(METHOD_SEGMENT, methodId(method)), method.getName() + "("
                    + Arrays.stream(method.getParameterTypes()).map(Class::getSimpleName)
                    .collect(Collectors.joining(", ")) + ")", MethodSource.from(testClass, method));
            this.testClass = testClass;
            this.method = method;
        }

        @Override
        public Type getType() {
            return Type.TEST;
        }

        @Override
        public CortadoTestEngine.RunContext execute(CortadoTestEngine.RunContext context,
                                                    DynamicTestExecutor dynamicTestExecutor) throws Exception {
            new TestRun(testClass, method, context.grace()).run();
            return context;
        }
    }
}
