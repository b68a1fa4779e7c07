package io.cortado.stream;

import org.testng.IAnnotationTransformer;
import org.testng.annotations.ITestAnnotation;

import java.lang.reflect.Constructor;
import java.lang.reflect.Method;

/**
 * Gives every TestNG test (the Reactive Streams TCK's) the time limit the JUnit tests have in
 * {@code junit-platform.properties}: a hang fails the test instead of stalling the build. Registered there as
 * {@code testng.listeners}.
 */
@SuppressWarnings("exports") // a test class: TestNG makes it by reflection, no module reads it
public final class TestNgTimeLimit implements IAnnotationTransformer {
    /** The limit of one test, as {@code junit.jupiter.execution.timeout.default}. */
    static final long LIMIT_MILLIS = 60_000;

    /** Made by TestNG. */
    public TestNgTimeLimit() {
    }

    @Override
    @SuppressWarnings("rawtypes") // TestNG's signature
    public void transform(ITestAnnotation annotation, Class testClass, Constructor testConstructor,
                          Method testMethod) {
        if (annotation.getTimeOut() <= 0) {
            annotation.setTimeOut(LIMIT_MILLIS);
        }
    }
}
