package io.cortado.asynctests;

import io.cortado.Future;
import io.cortado.async.Async;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static io.cortado.async.Async.await;
import static org.junit.jupiter.api.Assertions.assertEquals;

/** {@code switch} statements and expressions with awaits in the selector, the cases and the guards. */
class SwitchTest extends AsyncTestBase {
    @SuppressWarnings("fallthrough")
    static Future<List<String>> classic(int k) {
        List<String> out = new ArrayList<>();
        switch (await(Later.value(k))) {
            case 1:
                out.add(await(Later.value("one")));
                // falls through
            case 2:
                out.add("two");
                break;
            case 3: {
                out.add(await(Later.value("three")));
                break;
            }
            default:
                out.add("other " + await(Later.value(k)));
        }
        return Async.done(out);
    }

    static Future<String> arrowOnStrings(String s) {
        String r;
        switch (s) {
            case "a" -> r = "A" + await(Later.value(1));
            case "b", "c" -> {
                int n = await(Later.value(2));
                r = "BC" + n;
            }
            default -> r = "?";
        }
        return Async.done(r);
    }

    static Future<Long> switchExpression(TimeUnit unit, long amount) {
        long nanos = switch (unit) {
            case NANOSECONDS -> amount;
            case MICROSECONDS -> amount * await(Later.value(1_000L));
            case MILLISECONDS -> {
                long f = await(Later.value(1_000_000L));
                yield amount * f;
            }
            default -> -1L;
        };
        return Async.done(nanos);
    }

    sealed interface Shape permits Circle, Rect, Square {
    }

    record Circle(double r) implements Shape {
    }

    record Rect(double w, double h) implements Shape {
    }

    record Square(double side) implements Shape {
    }

    static Future<String> patterns(Object o) {
        String r = switch (o) {
            case Circle(double radius) when await(Later.value(radius > 10)) -> "big circle";
            case Circle c -> "circle " + await(Later.value(c.r()));
            case Rect(double w, double h) when w == h -> "square rect " + await(Later.value(w * h));
            case Rect(var w, var h) -> "rect " + (w * await(Later.value(h)));
            case Square s -> "square";
            case Integer i when i > await(Later.value(5)) -> "big int " + i;
            case Integer i -> "int " + i;
            case null -> "null " + await(Later.value("!"));
            default -> "other " + o;
        };
        return Async.done(r);
    }

    @Test
    void classicSwitchWithFallThrough() {
        assertEquals(List.of("one", "two"), run(classic(1)));
        assertEquals(List.of("two"), run(classic(2)));
        assertEquals(List.of("three"), run(classic(3)));
        assertEquals(List.of("other 9"), run(classic(9)));
    }

    @Test
    void arrowSwitchOnStrings() {
        assertEquals("A1", run(arrowOnStrings("a")));
        assertEquals("BC2", run(arrowOnStrings("c")));
        assertEquals("?", run(arrowOnStrings("z")));
    }

    @Test
    void switchExpressionOnAnEnumWithYield() {
        assertEquals(7L, run(switchExpression(TimeUnit.NANOSECONDS, 7)));
        assertEquals(7_000L, run(switchExpression(TimeUnit.MICROSECONDS, 7)));
        assertEquals(7_000_000L, run(switchExpression(TimeUnit.MILLISECONDS, 7)));
        assertEquals(-1L, run(switchExpression(TimeUnit.DAYS, 7)));
    }

    @Test
    void patternSwitchWithRecordPatternsAndGuards() {
        assertEquals("big circle", run(patterns(new Circle(11))));
        assertEquals("circle 2.0", run(patterns(new Circle(2))));
        assertEquals("square rect 9.0", run(patterns(new Rect(3, 3))));
        assertEquals("rect 6.0", run(patterns(new Rect(2, 3))));
        assertEquals("square", run(patterns(new Square(1))));
        assertEquals("big int 6", run(patterns(6)));
        assertEquals("int 5", run(patterns(5)));
        assertEquals("null !", run(patterns(null)));
        assertEquals("other x", run(patterns("x")));
    }
}
